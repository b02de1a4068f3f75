// The `openai:` embedding engine: POST /v1/embeddings on an OpenAI-compatible server (llama-server, vLLM, OpenAI).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "embed/remote_embedding_engine.h"

namespace lv::embed {

class OpenAiEmbeddingEngine : public RemoteEmbeddingEngine {
 public:
  // `options.base_url` ends in /v1 (added when the URL has no path). Nothing is contacted until embed().
  explicit OpenAiEmbeddingEngine(RemoteEmbeddingOptions options);

 protected:
  std::string endpoint_url() const override;
  std::string request_body(const std::vector<std::string>& texts) const override;
  EmbeddingResult parse_reply(std::string_view body, std::size_t count) const override;
};

}  // namespace lv::embed
