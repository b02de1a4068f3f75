// The `espeak:` engine: eSpeak NG (libespeak-ng), compact formant speech in about 100 languages.
#pragma once

#include <string>
#include <string_view>

#include "tts/tts_engine.h"

namespace lv::tts {

class EspeakEngine final : public TtsEngine {
 public:
  // `voice` is an espeak-ng voice or language ("en-us", "de"; "" means en-us). Initializes the library and
  // warms up; throws lv::Error for an unknown voice or missing data files.
  explicit EspeakEngine(std::string_view voice = "en-us");

  std::string name() const override { return "espeak:" + voice_; }
  const TtsCapabilities& capabilities() const override { return capabilities_; }
  int sample_rate_hz(std::string_view voice = {}) const override;

 protected:
  bool do_synthesize(std::string_view text, const SynthesisOptions& options, const AudioSink& emit,
                     std::stop_token stop) override;

 private:
  std::string voice_;
  int sample_rate_hz_ = 22050;
  TtsCapabilities capabilities_;
};

}  // namespace lv::tts
