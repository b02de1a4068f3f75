#include "tts/espeak_engine.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "tts/espeak_runtime.h"
#include "tts/sentence_splitter.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::tts {

namespace {

constexpr int kDefaultRateWpm = 175;

int rate_for_speed(double speed) {
  // espeak-ng accepts 80..450 words per minute.
  return std::clamp(static_cast<int>(std::lround(kDefaultRateWpm * speed)), 80, 450);
}

}  // namespace

EspeakEngine::EspeakEngine(std::string_view voice) : voice_(voice.empty() ? "en-us" : std::string(voice)) {
  EspeakLock espeak;
  espeak.set_voice(voice_);
  sample_rate_hz_ = espeak.sample_rate_hz();
  capabilities_.streaming = true;
  capabilities_.sample_rates_hz = {sample_rate_hz_};
  capabilities_.languages = espeak.languages();
  capabilities_.voices.push_back(voice_);
  for (const auto& language : capabilities_.languages) {
    if (language != voice_) {
      capabilities_.voices.push_back(language);
    }
  }
  // Warm-up: the first synthesis loads the language's dictionary and rules.
  espeak.set_rate_wpm(kDefaultRateWpm);
  std::size_t warm_samples = 0;
  espeak.synthesize("Hello.",
                    [&](std::span<const short> samples) {
                      warm_samples += samples.size();
                      return true;
                    },
                    {});
  if (warm_samples == 0) {
    throw Error("espeak-ng voice '" + voice_ + "' produced no audio while warming up",
                "reinstall the espeak-ng-data package");
  }
  log::info("tts engine loaded", {{"engine", name()}, {"sample_rate_hz", sample_rate_hz_}});
}

int EspeakEngine::sample_rate_hz(std::string_view /*voice*/) const { return sample_rate_hz_; }

bool EspeakEngine::do_synthesize(std::string_view text, const SynthesisOptions& options, const AudioSink& emit,
                                 std::stop_token stop) {
  const std::string& voice = options.voice.empty() ? voice_ : options.voice;
  std::vector<float> scratch;
  const auto on_audio = [&](std::span<const short> samples) {
    scratch.resize(samples.size());
    std::transform(samples.begin(), samples.end(), scratch.begin(),
                   [](short sample) { return static_cast<float>(sample) / 32768.0F; });
    return emit(scratch);
  };
  // The lock is taken per sentence, so a long text never holds other callers off for long.
  for (const auto& sentence : split_sentences(text)) {
    if (stop.stop_requested()) {
      return true;
    }
    EspeakLock espeak;
    espeak.set_voice(voice);
    espeak.set_rate_wpm(rate_for_speed(options.speed));
    if (espeak.synthesize(sentence, on_audio, stop)) {
      return true;
    }
  }
  return stop.stop_requested();
}

}  // namespace lv::tts
