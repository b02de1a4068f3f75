#include "embed/ollama_embedding_engine.h"

#include <nlohmann/json.hpp>

#include <utility>

#include "util/error.h"

namespace lv::embed {
namespace {

using nlohmann::json;

RemoteEmbeddingServer ollama_server() {
  return {"Ollama server", "ollama", "e.g. `ollama serve` and `ollama pull nomic-embed-text`"};
}

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  return url;
}

}  // namespace

OllamaEmbeddingEngine::OllamaEmbeddingEngine(RemoteEmbeddingOptions options, std::string keep_alive)
    : RemoteEmbeddingEngine(
          [&options] {
            options.base_url = without_trailing_slash(options.base_url);
            if (options.model.empty()) {
              throw Error("the ollama: embedding engine needs a model name",
                          "add ?model=NAME, e.g. ollama:" + options.base_url + "?model=nomic-embed-text");
            }
            return std::move(options);
          }(),
          ollama_server()),
      keep_alive_(std::move(keep_alive)) {}

std::string OllamaEmbeddingEngine::endpoint_url() const { return options().base_url + "/api/embed"; }

std::string OllamaEmbeddingEngine::request_body(const std::vector<std::string>& texts) const {
  // truncate: inputs longer than the model's context are cut (as the llama: engine does) rather than refused.
  const json body = {{"model", options().model}, {"input", texts}, {"truncate", true}, {"keep_alive", keep_alive_}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

EmbeddingResult OllamaEmbeddingEngine::parse_reply(std::string_view body, std::size_t count) const {
  const json reply = json::parse(body, nullptr, false);
  if (reply.is_discarded() || !reply.is_object()) {
    malformed("the reply is not a JSON object");
  }
  const auto embeddings = reply.find("embeddings");
  if (embeddings == reply.end() || !embeddings->is_array()) {
    malformed("the reply has no \"embeddings\" array");
  }
  if (embeddings->size() != count) {
    malformed("it returned " + std::to_string(embeddings->size()) + " vectors for " + std::to_string(count) + " texts");
  }
  EmbeddingResult result;
  for (const auto& embedding : *embeddings) {
    if (!embedding.is_array()) {
      malformed("an item of \"embeddings\" is not an array");
    }
    std::vector<float> vector;
    vector.reserve(embedding.size());
    for (const auto& value : embedding) {
      if (!value.is_number()) {
        malformed("an embedding holds something other than numbers");
      }
      vector.push_back(value.get<float>());
    }
    result.vectors.push_back(std::move(vector));
  }
  if (const auto tokens = reply.find("prompt_eval_count"); tokens != reply.end() && tokens->is_number_integer()) {
    result.input_tokens = tokens->get<int>();
  }
  return result;
}

}  // namespace lv::embed
