// Registers the VAD engines (energy:, silero:) with the program's engine registry.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "engine/engine_registry.h"
#include "engine/engine_url.h"
#include "vad/vad_engine.h"

namespace lv::vad {

struct VadRegistryOptions {
  // Where `silero:` (no path) looks for silero_vad_v5.onnx, as installed by scripts/fetch-silero-model.
  std::filesystem::path models_dir;
  // When set, asked at engine creation instead (the directory may only be known once the config is loaded).
  std::function<std::filesystem::path()> models_dir_provider;
  // Resolves a catalog model name ("silero:v5") through the model manager; used first when set, and throws
  // lv::Error saying how to install the model.
  std::function<std::filesystem::path(const std::string& name)> resolve_model;
};

// Adds the `energy:` and `silero:` schemes. URL params: threshold, min_speech_ms, min_silence_ms,
// speech_pad_ms (e.g. "silero:?threshold=0.6&min_silence_ms=500", "silero:/path/silero_vad_v5.onnx").
void register_vad_engines(engine::EngineRegistry<VadEngine>& registry, const VadRegistryOptions& options);

// Reads the VadOptions params of a URL; throws lv::Error for a malformed or out-of-range value or an unknown
// parameter (naming it and the valid ones).
VadOptions vad_options_from_url(const engine::EngineUrl& url);

}  // namespace lv::vad
