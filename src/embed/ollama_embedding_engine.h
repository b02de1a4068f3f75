// The `ollama:` embedding engine: POST /api/embed on an Ollama server.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "embed/remote_embedding_engine.h"

namespace lv::embed {

class OllamaEmbeddingEngine : public RemoteEmbeddingEngine {
 public:
  // `options.model` must name the model (Ollama has no default). Nothing is contacted until embed().
  explicit OllamaEmbeddingEngine(RemoteEmbeddingOptions options, std::string keep_alive = "5m");

 protected:
  std::string endpoint_url() const override;
  std::string request_body(const std::vector<std::string>& texts) const override;
  EmbeddingResult parse_reply(std::string_view body, std::size_t count) const override;

 private:
  std::string keep_alive_;
};

}  // namespace lv::embed
