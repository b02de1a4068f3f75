// Creates embedding engines from engine URLs (llama:, openai:, ollama:) and registers them with the registry.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "embed/embedding_engine.h"
#include "engine/engine_catalog.h"
#include "engine/engine_registry.h"
#include "engine/engine_url.h"

namespace lv::embed {

// Turns a catalog name ("all-minilm-l6-v2") into a model file path; throws lv::Error when unknown.
using ModelResolver = engine::ModelResolver;

// llama:/path/model.gguf?threads=2&ctx=512&batch=512&pooling=mean|cls|last  (or llama:all-minilm-l6-v2)
EmbeddingEnginePtr create_llama_embedding_engine(const engine::EngineUrl& url, const ModelResolver& resolver = {});
// openai:http://127.0.0.1:8080/v1?model=NAME&api_key_env=OPENAI_API_KEY&connect_timeout_ms=5000&timeout_ms=60000
//   &batch=64
EmbeddingEnginePtr create_openai_embedding_engine(const engine::EngineUrl& url);
// ollama:http://localhost:11434?model=nomic-embed-text&keep_alive=5m (same timeout and batch parameters)
EmbeddingEnginePtr create_ollama_embedding_engine(const engine::EngineUrl& url);

// Registers the three schemes. `resolver` gets llama: catalog names as the catalog writes them
// ("llama:all-minilm-l6-v2"; none: only paths are accepted).
void register_embedding_engines(engine::EngineRegistry<EmbeddingEngine>& registry, ModelResolver resolver = {});

}  // namespace lv::embed
