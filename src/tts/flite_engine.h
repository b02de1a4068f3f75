// The `flite:` engine: CMU Flite voices (slt, kal16, rms, awb) linked into the program, fully offline.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "tts/tts_engine.h"

namespace lv::tts {

class FliteEngine final : public TtsEngine {
 public:
  // `default_voice` is one of slt, kal16, rms, awb ("" means slt). Loads and warms up every voice; throws
  // lv::Error for an unknown voice name.
  explicit FliteEngine(std::string_view default_voice = "slt");
  ~FliteEngine() override;

  std::string name() const override;
  const TtsCapabilities& capabilities() const override { return capabilities_; }
  int sample_rate_hz(std::string_view voice = {}) const override;

 protected:
  bool do_synthesize(std::string_view text, const SynthesisOptions& options, const AudioSink& emit,
                     std::stop_token stop) override;

 private:
  struct Voices;
  std::unique_ptr<Voices> voices_;
  TtsCapabilities capabilities_;
};

}  // namespace lv::tts
