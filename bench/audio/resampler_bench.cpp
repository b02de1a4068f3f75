// Resampler throughput, as multiples of real time on one core.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <span>
#include <vector>

#include "audio/resampler.h"

namespace lv::audio {
namespace {

constexpr double kAudioSeconds = 10.0;

std::vector<float> test_signal(int rate_hz) {
  std::vector<float> out(static_cast<std::size_t>(kAudioSeconds * rate_hz));
  for (std::size_t i = 0; i < out.size(); ++i) {
    const double t = static_cast<double>(i) / rate_hz;
    out[i] = static_cast<float>(0.3 * std::sin(2.0 * std::numbers::pi * 440.0 * t) +
                                0.1 * std::sin(2.0 * std::numbers::pi * 3100.0 * t));
  }
  return out;
}

// Streams 10 s of audio through one resampler in 20 ms chunks, as a live microphone stream would.
void stream_in_chunks(benchmark::State& state, int from_hz, int to_hz, ResampleQuality quality) {
  const std::vector<float> input = test_signal(from_hz);
  const std::size_t chunk = static_cast<std::size_t>(from_hz / 50);
  Resampler resampler(from_hz, to_hz, 1, quality);
  for (auto _ : state) {
    for (std::size_t pos = 0; pos < input.size(); pos += chunk) {
      const std::size_t size = std::min(chunk, input.size() - pos);
      benchmark::DoNotOptimize(resampler.process(std::span<const float>(input).subspan(pos, size)));
    }
    benchmark::DoNotOptimize(resampler.flush());
  }
  // Seconds of audio per second of CPU time: "x real time" on this one core.
  state.counters["x_realtime"] =
      benchmark::Counter(kAudioSeconds * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(input.size()));
}

void whole_buffer(benchmark::State& state, int from_hz, int to_hz) {
  const AudioBuffer input{test_signal(from_hz), from_hz, 1};
  for (auto _ : state) {
    benchmark::DoNotOptimize(resample(input, to_hz));
  }
  state.counters["x_realtime"] =
      benchmark::Counter(kAudioSeconds * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(input.samples.size()));
}

void BM_Resample48kTo16kStream(benchmark::State& state) {
  stream_in_chunks(state, 48000, 16000, ResampleQuality::high);
}
void BM_Resample48kTo16kStreamMedium(benchmark::State& state) {
  stream_in_chunks(state, 48000, 16000, ResampleQuality::medium);
}
void BM_Resample48kTo16kStreamVeryHigh(benchmark::State& state) {
  stream_in_chunks(state, 48000, 16000, ResampleQuality::very_high);
}
void BM_Resample16kTo48kStream(benchmark::State& state) {
  stream_in_chunks(state, 16000, 48000, ResampleQuality::high);
}
void BM_Resample44k1To16kStream(benchmark::State& state) {
  stream_in_chunks(state, 44100, 16000, ResampleQuality::high);
}
void BM_Resample48kTo16kWhole(benchmark::State& state) { whole_buffer(state, 48000, 16000); }
void BM_Resample44k1To16kWhole(benchmark::State& state) { whole_buffer(state, 44100, 16000); }

BENCHMARK(BM_Resample48kTo16kStream)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Resample48kTo16kStreamMedium)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Resample48kTo16kStreamVeryHigh)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Resample16kTo48kStream)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Resample44k1To16kStream)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Resample48kTo16kWhole)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Resample44k1To16kWhole)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace lv::audio
