// Ring buffer throughput: push/pop of microphone-sized blocks, with and without overflow.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "audio/ring_buffer.h"

namespace lv::audio {
namespace {

// Push one block and pop it again; Arg is the block size in samples (320 = 20 ms at 16 kHz).
void BM_RingBufferPushPop(benchmark::State& state) {
  const auto block = static_cast<std::size_t>(state.range(0));
  RingBuffer ring(16000);
  const std::vector<float> input(block, 0.25f);
  std::vector<float> output(block);
  for (auto _ : state) {
    ring.push(input);
    benchmark::DoNotOptimize(ring.pop(output));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * state.range(0) * static_cast<std::int64_t>(sizeof(float)));
}

// A full buffer that keeps overflowing: every push drops as many samples as it adds.
void BM_RingBufferPushOverflow(benchmark::State& state) {
  const auto block = static_cast<std::size_t>(state.range(0));
  RingBuffer ring(4096);
  const std::vector<float> input(block, 0.25f);
  for (auto _ : state) {
    benchmark::DoNotOptimize(ring.push(input));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

// One thread pushes while another pops, as the capture and processing threads do. The fixture (and so the
// ring) is shared by both threads.
class RingBufferContended : public benchmark::Fixture {
 protected:
  RingBuffer ring_{16000};
};

BENCHMARK_DEFINE_F(RingBufferContended, PushPop)(benchmark::State& state) {
  constexpr std::size_t kBlock = 320;
  std::vector<float> data(kBlock, 0.5f);
  for (auto _ : state) {
    if (state.thread_index() == 0) {
      ring_.push(data);
    } else {
      benchmark::DoNotOptimize(ring_.pop(data));
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kBlock));
}

BENCHMARK(BM_RingBufferPushPop)->Arg(160)->Arg(320)->Arg(4096);
BENCHMARK(BM_RingBufferPushOverflow)->Arg(320);
BENCHMARK_REGISTER_F(RingBufferContended, PushPop)->Threads(2)->UseRealTime();

}  // namespace
}  // namespace lv::audio
