#include "embed/openai_embedding_engine.h"

#include <nlohmann/json.hpp>

#include <utility>

#include "net/remote_api.h"
#include "util/error.h"

namespace lv::embed {
namespace {

using nlohmann::json;

RemoteEmbeddingServer openai_server() {
  return {"OpenAI-compatible embeddings server", "openai",
          "e.g. `llama-server -m MODEL.gguf --embeddings --pooling mean --port PORT`"};
}

}  // namespace

OpenAiEmbeddingEngine::OpenAiEmbeddingEngine(RemoteEmbeddingOptions options)
    : RemoteEmbeddingEngine(
          [&options] {
            options.base_url = net::openai_base_url(options.base_url);
            if (options.model.empty()) {
              options.model = "default";  // llama-server serves one model whatever the name; OpenAI needs ?model=
            }
            return std::move(options);
          }(),
          openai_server()) {}

std::string OpenAiEmbeddingEngine::endpoint_url() const { return options().base_url + "/embeddings"; }

std::string OpenAiEmbeddingEngine::request_body(const std::vector<std::string>& texts) const {
  const json body = {{"model", options().model}, {"input", texts}, {"encoding_format", "float"}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

EmbeddingResult OpenAiEmbeddingEngine::parse_reply(std::string_view body, std::size_t count) const {
  const json reply = json::parse(body, nullptr, false);
  if (reply.is_discarded() || !reply.is_object()) {
    malformed("the reply is not a JSON object");
  }
  const auto data = reply.find("data");
  if (data == reply.end() || !data->is_array()) {
    malformed("the reply has no \"data\" array");
  }
  EmbeddingResult result;
  result.vectors.resize(count);
  std::size_t position = 0;
  for (const auto& item : *data) {
    // Servers may list the vectors in any order; "index" says which input each belongs to.
    std::size_t index = position++;
    if (item.is_object() && item.contains("index")) {
      if (!item["index"].is_number_unsigned() || item["index"].get<std::size_t>() >= count) {
        malformed("an item has an index outside 0.." + std::to_string(count - 1));
      }
      index = item["index"].get<std::size_t>();
    }
    const auto embedding = item.is_object() ? item.find("embedding") : item.end();
    if (embedding == item.end() || !embedding->is_array()) {
      malformed("an item of \"data\" has no \"embedding\" array");
    }
    if (index >= count || !result.vectors[index].empty()) {
      malformed("it returned more vectors than texts, or one text twice");
    }
    auto& vector = result.vectors[index];
    vector.reserve(embedding->size());
    for (const auto& value : *embedding) {
      if (!value.is_number()) {
        malformed("an embedding holds something other than numbers");
      }
      vector.push_back(value.get<float>());
    }
  }
  if (position != count) {
    malformed("it returned " + std::to_string(position) + " vectors for " + std::to_string(count) + " texts");
  }
  if (const auto usage = reply.find("usage"); usage != reply.end() && usage->is_object()) {
    if (const auto tokens = usage->find("prompt_tokens"); tokens != usage->end() && tokens->is_number_integer()) {
      result.input_tokens = tokens->get<int>();
    }
  }
  return result;
}

}  // namespace lv::embed
