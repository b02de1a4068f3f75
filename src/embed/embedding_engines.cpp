#include "embed/embedding_engines.h"

#include <cstdlib>
#include <set>
#include <string_view>
#include <utility>

#include "embed/llama_embedding_engine.h"
#include "embed/ollama_embedding_engine.h"
#include "embed/openai_embedding_engine.h"
#include "util/error.h"

namespace lv::embed {
namespace {

using engine::int_param;
using engine::reject_unknown_params;

RemoteEmbeddingOptions remote_options(const engine::EngineUrl& url) {
  if (!url.is_http()) {
    throw Error("the " + url.scheme + ": embedding engine needs a server URL, got '" + url.redacted() + "'",
                "write it like " + url.scheme + ":http://127.0.0.1:8080" +
                    (url.scheme == "ollama" ? "?model=nomic-embed-text" : "/v1?model=NAME"));
  }
  RemoteEmbeddingOptions options;
  options.base_url = url.spec;
  options.model = url.param("model").value_or("");
  options.api_key_env = url.param("api_key_env").value_or(options.api_key_env);
  if (const char* key = std::getenv(options.api_key_env.c_str()); key != nullptr) {
    options.api_key = key;
  }
  options.connect_timeout_ms = int_param(url, "connect_timeout_ms", options.connect_timeout_ms, 100, 600000);
  options.timeout_ms = int_param(url, "timeout_ms", options.timeout_ms, 100, 3600000);
  options.max_batch_texts = int_param(url, "batch", options.max_batch_texts, 1, 2048);
  return options;
}

}  // namespace

EmbeddingEnginePtr create_llama_embedding_engine(const engine::EngineUrl& url, const ModelResolver& resolver) {
  reject_unknown_params(url, {"threads", "ctx", "batch", "pooling"});
  LlamaEmbeddingOptions options;
  if (url.is_path()) {
    options.model_path = url.spec;
    if (url.spec.rfind("~/", 0) == 0) {
      const char* home = std::getenv("HOME");
      options.model_path = std::filesystem::path(home != nullptr ? home : "") / url.spec.substr(2);
    }
  } else if (url.is_name()) {
    if (!resolver) {
      throw Error("cannot resolve the embedding model name '" + url.spec + "' in '" + url.redacted() + "'",
                  "give a file path instead, e.g. llama:/models/all-MiniLM-L6-v2-Q8_0.gguf");
    }
    options.model_path = resolver(url.spec);
    options.model_name = url.spec;
  } else {
    throw Error("the llama: embedding engine needs a model file or name, got '" + url.redacted() + "'",
                "write it like llama:all-minilm-l6-v2 or llama:/models/model.gguf");
  }
  options.threads = int_param(url, "threads", 0, 0, 256);
  options.context_tokens = int_param(url, "ctx", options.context_tokens, 8, 1 << 20);
  options.batch_tokens = int_param(url, "batch", options.batch_tokens, 8, 1 << 20);
  if (const auto pooling = url.param("pooling")) {
    options.pooling = parse_pooling(*pooling);
    if (!options.pooling) {
      throw Error("bad pooling '" + *pooling + "' in embeddings engine URL '" + url.redacted() + "'",
                  "use pooling=mean, pooling=cls or pooling=last (or leave it out for the model's own)");
    }
  }
  return LlamaEmbeddingEngine::create(std::move(options));
}

EmbeddingEnginePtr create_openai_embedding_engine(const engine::EngineUrl& url) {
  reject_unknown_params(url, {"model", "api_key_env", "connect_timeout_ms", "timeout_ms", "batch"});
  return std::make_shared<OpenAiEmbeddingEngine>(remote_options(url));
}

EmbeddingEnginePtr create_ollama_embedding_engine(const engine::EngineUrl& url) {
  reject_unknown_params(url, {"model", "api_key_env", "connect_timeout_ms", "timeout_ms", "batch", "keep_alive"});
  return std::make_shared<OllamaEmbeddingEngine>(remote_options(url), url.param("keep_alive").value_or("5m"));
}

void register_embedding_engines(engine::EngineRegistry<EmbeddingEngine>& registry, ModelResolver resolver) {
  registry.add({.scheme = "llama",
                .description = "llama.cpp in-process embedding model (GGUF model file or catalog name)",
                .example = "llama:all-minilm-l6-v2",
                .catalog = engine::CatalogUse{"embeddings"},
                .params = {"threads", "ctx", "batch", "pooling"},
                .claims = [](std::string_view word) { return word.ends_with(".gguf"); }},
               [resolver = std::move(resolver)](const engine::EngineUrl& url) {
                 return create_llama_embedding_engine(url, engine::catalog_resolver(resolver, url));
               });
  registry.add({.scheme = "openai",
                .family = engine::EngineFamily::remote,
                .description = "OpenAI-compatible /v1/embeddings server (llama-server --embeddings, vLLM, OpenAI)",
                .example = "openai:http://127.0.0.1:8080/v1?model=NAME",
                .params = {"model", "api_key_env", "connect_timeout_ms", "timeout_ms", "batch"},
                .claims = [](std::string_view word) { return word.starts_with("http"); }},
               create_openai_embedding_engine);
  registry.add({.scheme = "ollama",
                .family = engine::EngineFamily::remote,
                .description = "Ollama server (/api/embed)",
                .example = "ollama:http://localhost:11434?model=nomic-embed-text",
                .params = {"model", "api_key_env", "connect_timeout_ms", "timeout_ms", "batch", "keep_alive"},
                .claims = [](std::string_view word) { return word.find(":11434") != std::string_view::npos; }},
               create_ollama_embedding_engine);
}

}  // namespace lv::embed
