// Registers the STT engines (pocketsphinx:, whisper:, openai:) with the program's engine registry.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "engine/engine_registry.h"
#include "engine/engine_url.h"
#include "stt/stt_engine.h"

namespace lv::stt {

struct SttRegistryOptions {
  std::filesystem::path models_dir;  // where whisper:NAME finds ggml-NAME.bin
  int threads = 0;                   // default decoder threads (0: min(4, hardware threads))
  // When set, asked at engine creation instead of models_dir (known only once the config is loaded).
  std::function<std::filesystem::path()> models_dir_provider;
  // Resolves a catalog model name ("whisper:base.en") through the model manager; used first when set, and
  // throws lv::Error saying how to install the model.
  std::function<std::filesystem::path(const std::string& name)> resolve_model;
};

// Adds the schemes below. Engines are cached by URL: creating the same URL twice shares one loaded model.
//   pocketsphinx:en-us                       Debian's US English model (pocketsphinx-en-us)
//   pocketsphinx:/dir?lm=F&dict=F            another acoustic model directory
//   whisper:base.en | whisper:/path/ggml-base.en.bin
//       ?language=auto|en|..&translate=1&prompt=..&threads=N&beam_size=N&temperature_inc=F&trim_audio_ctx=0
//   openai:http://host:8000/v1?model=NAME&language=..&api_key=..&timeout_ms=N
// Unknown or malformed parameters throw lv::Error naming them.
void register_stt_engines(engine::EngineRegistry<SttEngine>& registry, const SttRegistryOptions& options);

}  // namespace lv::stt
