// Silero VAD v5 (ONNX) on onnxruntime: one shared session, a recurrent state per stream.
#pragma once

#include <filesystem>
#include <memory>

#include "vad/vad_engine.h"

namespace lv::vad {

class SileroVad final : public VadEngine {
 public:
  // Loads the model and runs one warm-up frame. Throws lv::Error when the file is missing or not a
  // Silero v5 model (naming scripts/fetch-silero-model as the fix).
  SileroVad(const std::filesystem::path& model_path, VadOptions options = {});
  ~SileroVad() override;
  SileroVad(const SileroVad&) = delete;
  SileroVad& operator=(const SileroVad&) = delete;

  VadCapabilities capabilities() const override;
  const VadOptions& options() const override { return options_; }
  std::unique_ptr<VadStream> open_stream() const override;

  // The file name the fetch script installs into a models directory.
  static constexpr const char* kModelFileName = "silero_vad_v5.onnx";

  struct Model;  // the onnxruntime session, shared by streams

 private:
  std::shared_ptr<Model> model_;
  VadOptions options_;
};

}  // namespace lv::vad
