// Registers every TTS engine of this build (flite, espeak, piper, openai) with the program's registry.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "engine/engine_registry.h"
#include "tts/tts_engine.h"

namespace lv::tts {

struct TtsEngineContext {
  std::filesystem::path models_dir;  // where `piper:NAME` looks for NAME.onnx (also under piper/)
  // Resolves a catalog voice ("piper:en_US-lessac-medium") through the model manager; tried first when set.
  // Throws lv::Error saying how to install the voice.
  std::function<std::filesystem::path(const std::string& name)> resolve_model;
};

// Schemes and their URLs:
//   flite:slt | flite:kal16 | flite:rms | flite:awb                  (empty spec: slt)
//   espeak:en-us | espeak:de | ...                                   (empty spec: en-us)
//   piper:/path/voice.onnx?speaker=NAME|ID&length_scale=1.1&noise_scale=0.667&noise_w=0.8&threads=2
//   piper:en_US-lessac-medium                                        (a voice in models_dir)
//   openai:http://host:8880/v1?model=kokoro&voice=af_bella&format=pcm|wav&sample_rate=24000&api_key=K
//          &timeout_ms=30000
void register_tts_engines(engine::EngineRegistry<TtsEngine>& registry, TtsEngineContext context = {});

}  // namespace lv::tts
