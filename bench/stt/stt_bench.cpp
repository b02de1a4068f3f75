// STT cost: LocalVoice's transcribe path against the raw PocketSphinx API on the same recording, and the
// real-time factor (compute seconds per audio second) of each.
#include <benchmark/benchmark.h>
#include <pocketsphinx.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "audio/pcm.h"
#include "audio/resampler.h"
#include "audio/wav.h"
#include "stt/pocketsphinx_stt.h"
#include "stt/speech_fixtures.h"

namespace {

// About 25 s of real read speech (Debian's pocketsphinx-testdata), or flite speech when it is not installed.
const lv::audio::AudioBuffer& recording() {
  static const lv::audio::AudioBuffer audio = [] {
    const std::filesystem::path dir = "/usr/share/pocketsphinx/test/data/librivox";
    lv::audio::AudioBuffer all;
    if (std::filesystem::exists(dir)) {
      for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() == ".wav") {
          all = all.samples.empty() ? lv::audio::read_wav(entry.path())
                                    : lv::test::concat(all, lv::audio::read_wav(entry.path()));
        }
      }
    }
    if (all.samples.empty()) {
      all = lv::test::flite_speech(
          "and mister john dashwood had then leisure to consider how much there might be "
          "prudently in his power to do for them");
    }
    return all;
  }();
  return audio;
}

void set_rtf(benchmark::State& state, double audio_s) {
  // Compute seconds per audio second: the inverse of "audio seconds processed per second".
  state.counters["RTF"] =
      benchmark::Counter(audio_s, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["audio_s"] = audio_s;
}

struct ConfigFree {
  void operator()(ps_config_t* config) const { ps_config_free(config); }
};
struct DecoderFree {
  void operator()(ps_decoder_t* decoder) const { ps_free(decoder); }
};

// The engine with nothing around it: one decoder, 100 ms pieces of int16 audio, hypothesis and word times.
void BM_PocketsphinxRawApi(benchmark::State& state) {
  const auto& audio = recording();
  const auto pcm = lv::audio::float_to_pcm16(audio.samples);
  const std::filesystem::path model = std::filesystem::path(ps_default_modeldir()) / "en-us";
  std::unique_ptr<ps_config_t, ConfigFree> config(ps_config_init(nullptr));
  ps_config_set_str(config.get(), "hmm", (model / "en-us").c_str());
  ps_config_set_str(config.get(), "lm", (model / "en-us.lm.bin").c_str());
  ps_config_set_str(config.get(), "dict", (model / "cmudict-en-us.dict").c_str());
  ps_config_set_int(config.get(), "samprate", 16000);
  ps_config_set_str(config.get(), "loglevel", "ERROR");
  std::unique_ptr<ps_decoder_t, DecoderFree> decoder(ps_init(config.get()));
  if (!decoder) {
    state.SkipWithError("pocketsphinx model missing");
    return;
  }
  for (auto _ : state) {
    ps_start_utt(decoder.get());
    for (std::size_t offset = 0; offset < pcm.size(); offset += 1600) {
      ps_process_raw(decoder.get(), pcm.data() + offset, std::min<std::size_t>(1600, pcm.size() - offset), 0, 0);
    }
    ps_end_utt(decoder.get());
    benchmark::DoNotOptimize(ps_get_hyp(decoder.get(), nullptr));
    for (ps_seg_t* seg = ps_seg_iter(decoder.get()); seg != nullptr; seg = ps_seg_next(seg)) {
      benchmark::DoNotOptimize(ps_seg_word(seg));
    }
  }
  set_rtf(state, audio.duration_s());
}
BENCHMARK(BM_PocketsphinxRawApi)->Unit(benchmark::kMillisecond)->Iterations(3)->MeasureProcessCPUTime()->UseRealTime();

// The same audio through LocalVoice: format check, decoder pool, pieces with cancellation checks, segments.
void BM_LocalVoiceTranscribePocketsphinx(benchmark::State& state) {
  const auto& audio = recording();
  const lv::stt::PocketsphinxStt engine;  // loaded once, as the server does
  for (auto _ : state) {
    benchmark::DoNotOptimize(engine.transcribe(audio));
  }
  set_rtf(state, audio.duration_s());
}
BENCHMARK(BM_LocalVoiceTranscribePocketsphinx)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

// The resampling share of an upload at 44.1 kHz stereo, the most common WAV format.
void BM_LocalVoiceTranscribe44kStereo(benchmark::State& state) {
  const auto& mono = recording();
  const auto resampled = lv::audio::resample(mono, 44100);
  lv::audio::AudioBuffer stereo{{}, 44100, 2};
  for (const float sample : resampled.samples) {
    stereo.samples.insert(stereo.samples.end(), {sample, sample});
  }
  const lv::stt::PocketsphinxStt engine;
  for (auto _ : state) {
    benchmark::DoNotOptimize(engine.transcribe(stereo));
  }
  set_rtf(state, mono.duration_s());
}
BENCHMARK(BM_LocalVoiceTranscribe44kStereo)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

}  // namespace
