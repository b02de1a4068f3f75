// The `openai:` engine: a remote OpenAI-compatible /v1/chat/completions server (llama-server, vLLM, OpenAI).
#pragma once

#include <string>

#include "llm/llm_engine.h"
#include "llm/remote_stream.h"

namespace lv::llm {

class OpenAiEngine : public LlmEngine {
 public:
  // `options.base_url` ends in /v1 (added when the URL has no path). Nothing is contacted until a chat.
  explicit OpenAiEngine(RemoteOptions options);

  LlmSessionPtr create_session() override;
  LlmCapabilities capabilities() const override;
  std::string model_name() const override { return options_.model; }

  const RemoteOptions& options() const { return options_; }

 private:
  RemoteOptions options_;
};

}  // namespace lv::llm
