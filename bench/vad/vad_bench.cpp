// VAD cost per 32 ms frame (512 samples at 16 kHz) on one core: Silero v5 on onnxruntime and the energy VAD.
#include <benchmark/benchmark.h>

#include <memory>

#include "stt/speech_fixtures.h"
#include "vad/energy_vad.h"
#include "vad/silero_vad.h"

namespace {

const lv::audio::AudioBuffer& speech() {
  static const lv::audio::AudioBuffer audio = lv::test::concat(
      lv::test::flite_speech("what is the weather like in paris tomorrow"), lv::test::white_noise(1.0, -40.0));
  return audio;
}

// Feeds the recording frame by frame, as a live stream does; the counter is the time per frame.
void run_frames(benchmark::State& state, const lv::vad::VadEngine& engine) {
  const auto& audio = speech();
  auto stream = engine.open_stream();
  const std::span<const float> samples(audio.samples);
  std::size_t offset = 0;
  for (auto _ : state) {
    if (offset + 512 > samples.size()) {
      offset = 0;
    }
    benchmark::DoNotOptimize(stream->push(samples.subspan(offset, 512)));
    offset += 512;
  }
  state.counters["frame_ms"] = 32.0;
}

void BM_SileroFrame(benchmark::State& state) {
  const auto path = lv::test::silero_model_path();
  if (!path) {
    state.SkipWithError("Silero model unavailable (npm registry unreachable)");
    return;
  }
  const lv::vad::SileroVad vad(*path);
  run_frames(state, vad);
}
BENCHMARK(BM_SileroFrame)->Unit(benchmark::kMicrosecond);

void BM_EnergyFrame(benchmark::State& state) {
  const lv::vad::EnergyVad vad;
  run_frames(state, vad);
}
BENCHMARK(BM_EnergyFrame)->Unit(benchmark::kMicrosecond);

}  // namespace
