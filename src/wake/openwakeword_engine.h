// The `openwakeword:` engine: openWakeWord's pre-trained wake words (hey_jarvis, alexa, ...) on onnxruntime.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "wake/openwakeword_models.h"
#include "wake/wake_engine.h"

namespace lv::wake {

class OpenWakeWordEngine final : public WakeEngine {
 public:
  // `classifier` is a word's model (hey_jarvis_v0.1.onnx); melspectrogram.onnx and embedding_model.onnx sit
  // next to it. Throws lv::Error naming `pull_hint` (how to install the files) when one is missing or unusable.
  OpenWakeWordEngine(const std::filesystem::path& classifier, WakeOptions options = {},
                     const std::string& pull_hint = "localvoice models pull openwakeword:hey_jarvis");

  WakeCapabilities capabilities() const override;
  const WakeOptions& options() const override { return options_; }
  std::unique_ptr<WakeFrameScorer> open_scorer() const override;

  static constexpr const char* kMelFileName = "melspectrogram.onnx";
  static constexpr const char* kEmbeddingFileName = "embedding_model.onnx";
  // "hey_jarvis_v0.1.onnx" -> "hey_jarvis".
  static std::string word_of(const std::filesystem::path& classifier);

  // What a stream starts from: the pipeline's view of silence, computed once at load.
  struct Start {
    std::vector<float> mel;       // kOwwMelWindow frames
    std::vector<float> features;  // kOwwFeatureWindow embeddings
  };

 private:
  std::shared_ptr<const OpenWakeWordModels> models_;
  std::vector<std::string> words_;
  WakeOptions options_;
  std::shared_ptr<const Start> start_;
};

}  // namespace lv::wake
