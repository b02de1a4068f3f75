// The `piper:` engine: Piper VITS voices (.onnx + .onnx.json) on onnxruntime, phonemes from espeak-ng.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tts/piper_voice_config.h"
#include "tts/tts_engine.h"

namespace lv::tts {

struct PiperSettings {
  std::filesystem::path model_path;   // VOICE.onnx; the config is VOICE.onnx.json
  std::string speaker;                // default speaker of a multi-speaker voice: name or id ("" = 0)
  std::optional<float> length_scale;  // override the config's inference values
  std::optional<float> noise_scale;
  std::optional<float> noise_w;
  int threads = 1;  // onnxruntime intra-op threads per call
};

class PiperEngine final : public TtsEngine {
 public:
  // Loads the voice and warms it up. Throws lv::Error naming the file and the fix when the model or config
  // is missing, corrupt, or not a Piper voice, or when the speaker is unknown.
  explicit PiperEngine(PiperSettings settings);
  ~PiperEngine() override;

  std::string name() const override;
  const TtsCapabilities& capabilities() const override { return capabilities_; }
  int sample_rate_hz(std::string_view voice = {}) const override;

  const PiperVoiceConfig& config() const;
  // The ids one sentence is fed to the model as (phonemized with espeak-ng in the voice's language).
  std::vector<std::int64_t> phoneme_ids(std::string_view sentence) const;

 protected:
  bool do_synthesize(std::string_view text, const SynthesisOptions& options, const AudioSink& emit,
                     std::stop_token stop) override;

 private:
  struct Model;
  std::unique_ptr<Model> model_;
  TtsCapabilities capabilities_;
};

}  // namespace lv::tts
