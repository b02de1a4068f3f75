// The `ollama:` engine: a remote Ollama server's /api/chat, streamed as newline-delimited JSON.
#pragma once

#include <string>

#include "llm/llm_engine.h"
#include "llm/remote_stream.h"

namespace lv::llm {

class OllamaEngine : public LlmEngine {
 public:
  // `options.model` is required ("gemma3:4b"); base_url defaults to http://localhost:11434.
  explicit OllamaEngine(RemoteOptions options);

  LlmSessionPtr create_session() override;
  LlmCapabilities capabilities() const override;
  std::string model_name() const override { return options_.model; }

 private:
  RemoteOptions options_;
};

}  // namespace lv::llm
