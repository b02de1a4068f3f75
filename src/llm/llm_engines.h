// Creates llm engines from engine URLs (llama:, openai:, ollama:) and registers them with the registry.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "engine/engine_catalog.h"
#include "engine/engine_registry.h"
#include "engine/engine_url.h"
#include "llm/llm_engine.h"

namespace lv::llm {

// Turns a catalog name ("qwen2.5-0.5b-instruct") into a model file path; throws lv::Error when unknown.
using ModelResolver = engine::ModelResolver;

// llama:/path/model.gguf?threads=4&ctx=4096&template=chatml&batch=512&temperature=0.8
LlmEnginePtr create_llama_engine(const engine::EngineUrl& url, const ModelResolver& resolver = {});
// openai:http://127.0.0.1:8080/v1?model=NAME&api_key_env=OPENAI_API_KEY&connect_timeout_ms=5000
//   &first_token_timeout_ms=120000&idle_timeout_ms=30000
LlmEnginePtr create_openai_engine(const engine::EngineUrl& url);
// ollama:http://localhost:11434?model=gemma3:4b&keep_alive=5m (same timeout parameters as openai:)
LlmEnginePtr create_ollama_engine(const engine::EngineUrl& url);

// Registers the three schemes. `resolver` gets llama: catalog names as the catalog writes them
// ("llama:qwen2.5-0.5b-instruct"; none: only paths are accepted).
void register_llm_engines(engine::EngineRegistry<LlmEngine>& registry, ModelResolver resolver = {});

}  // namespace lv::llm
