#include "llm/llm_engines.h"

#include <cstdlib>
#include <set>
#include <string_view>
#include <utility>

#include "llm/llama_engine.h"
#include "llm/ollama_engine.h"
#include "llm/openai_engine.h"
#include "util/error.h"

namespace lv::llm {
namespace {

using engine::int_param;
using engine::reject_unknown_params;

RemoteOptions remote_options(const engine::EngineUrl& url) {
  if (!url.is_http()) {
    throw Error("the " + url.scheme + ": engine needs a server URL, got '" + url.redacted() + "'",
                "write it like " + url.scheme + ":http://127.0.0.1:8080" +
                    (url.scheme == "ollama" ? "?model=gemma3:4b" : "/v1?model=NAME"));
  }
  RemoteOptions options;
  options.base_url = url.spec;
  options.model = url.param("model").value_or("");
  options.api_key_env = url.param("api_key_env").value_or("OPENAI_API_KEY");
  if (const char* key = std::getenv(options.api_key_env.c_str()); key != nullptr) {
    options.api_key = key;
  }
  options.connect_timeout_ms = int_param(url, "connect_timeout_ms", options.connect_timeout_ms, 100, 600000);
  options.first_token_timeout_ms =
      int_param(url, "first_token_timeout_ms", options.first_token_timeout_ms, 100, 3600000);
  options.idle_timeout_ms = int_param(url, "idle_timeout_ms", options.idle_timeout_ms, 100, 3600000);
  options.keep_alive = url.param("keep_alive").value_or(options.keep_alive);
  return options;
}

}  // namespace

LlmEnginePtr create_llama_engine(const engine::EngineUrl& url, const ModelResolver& resolver) {
  reject_unknown_params(url, {"threads", "ctx", "template", "batch", "temperature"});
  LlamaEngineOptions options;
  if (url.is_path()) {
    options.model_path = url.spec;
    if (url.spec.rfind("~/", 0) == 0) {
      const char* home = std::getenv("HOME");
      options.model_path = std::filesystem::path(home != nullptr ? home : "") / url.spec.substr(2);
    }
  } else if (url.is_name()) {
    if (!resolver) {
      throw Error("cannot resolve the model name '" + url.spec + "' in '" + url.redacted() + "'",
                  "give a file path instead, e.g. llama:/models/model.gguf");
    }
    options.model_path = resolver(url.spec);
    options.model_name = url.spec;
  } else {
    throw Error("the llama: engine needs a model file or name, got '" + url.redacted() + "'",
                "write it like llama:/models/model.gguf");
  }
  options.threads = int_param(url, "threads", 0, 0, 256);
  options.context_tokens = int_param(url, "ctx", options.context_tokens, 64, 1 << 20);
  options.batch_tokens = int_param(url, "batch", options.batch_tokens, 1, 1 << 16);
  options.chat_template = url.param("template").value_or("");
  if (const auto temperature = url.param("temperature")) {
    try {
      options.default_temperature = std::stof(*temperature);
    } catch (const std::exception&) {
      throw Error("bad temperature '" + *temperature + "' in '" + url.redacted() + "'", "use a number such as 0.7");
    }
  }
  return LlamaEngine::create(std::move(options));
}

LlmEnginePtr create_openai_engine(const engine::EngineUrl& url) {
  reject_unknown_params(url,
                        {"model", "api_key_env", "connect_timeout_ms", "first_token_timeout_ms", "idle_timeout_ms"});
  return std::make_shared<OpenAiEngine>(remote_options(url));
}

LlmEnginePtr create_ollama_engine(const engine::EngineUrl& url) {
  reject_unknown_params(
      url, {"model", "api_key_env", "connect_timeout_ms", "first_token_timeout_ms", "idle_timeout_ms", "keep_alive"});
  return std::make_shared<OllamaEngine>(remote_options(url));
}

void register_llm_engines(engine::EngineRegistry<LlmEngine>& registry, ModelResolver resolver) {
  registry.add({.scheme = "llama",
                .description = "llama.cpp in-process (GGUF model file or catalog name)",
                .example = "llama:/models/model.gguf",
                .catalog = engine::CatalogUse{"llm"},
                .params = {"threads", "ctx", "template", "batch", "temperature"},
                .claims = [](std::string_view word) { return word.ends_with(".gguf"); }},
               [resolver = std::move(resolver)](const engine::EngineUrl& url) {
                 return create_llama_engine(url, engine::catalog_resolver(resolver, url));
               });
  registry.add({.scheme = "openai",
                .family = engine::EngineFamily::remote,
                .description = "OpenAI-compatible /v1/chat/completions server (llama-server, vLLM, OpenAI)",
                .example = "openai:http://127.0.0.1:8080/v1?model=NAME",
                .params = {"model", "api_key_env", "connect_timeout_ms", "first_token_timeout_ms", "idle_timeout_ms"},
                .claims = [](std::string_view word) { return word.starts_with("http"); }},
               create_openai_engine);
  registry.add({.scheme = "ollama",
                .family = engine::EngineFamily::remote,
                .description = "Ollama server (/api/chat)",
                .example = "ollama:http://localhost:11434?model=gemma3:4b",
                .params = {"model", "api_key_env", "connect_timeout_ms", "first_token_timeout_ms", "idle_timeout_ms",
                           "keep_alive"},
                .claims = [](std::string_view word) { return word.find(":11434") != std::string_view::npos; }},
               create_ollama_engine);
}

}  // namespace lv::llm
