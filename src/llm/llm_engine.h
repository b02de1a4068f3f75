// The language-model engine interface: a shared engine hands out per-conversation sessions that stream.
#pragma once

#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "llm/llm_types.h"

namespace lv::llm {

struct LlmCapabilities {
  bool streaming = true;
  bool kv_cache_reuse = false;  // a follow-up turn only computes what is new since the last turn
  bool tool_calls = false;
  bool seed = false;       // honours ChatOptions::seed
  int context_tokens = 0;  // 0 when unknown (remote servers)
};

// One conversation. chat() takes the whole conversation so far (like the OpenAI API); engines that keep
// state (llama:) reuse whatever prefix of it they already computed. Not thread-safe: one call at a time.
class LlmSession {
 public:
  virtual ~LlmSession() = default;

  // Streams the assistant's answer to `messages` through `on_delta` and returns how it ended.
  // Cancelling `stop` ends the call within about 50 ms with FinishReason::cancelled. Engine failures after
  // the call started (server died mid-stream) come back as FinishReason::error with a message; problems a
  // user must fix before anything can run (unreachable server, unknown model, no chat template) throw
  // lv::Error.
  virtual ChatResult chat(const std::vector<ChatMessage>& messages, const ChatOptions& options,
                          const DeltaCallback& on_delta, std::stop_token stop = {}) = 0;
};

using LlmSessionPtr = std::unique_ptr<LlmSession>;

// A loaded model or a configured server; shared by every conversation. Thread-safe.
class LlmEngine {
 public:
  virtual ~LlmEngine() = default;

  virtual LlmSessionPtr create_session() = 0;
  virtual LlmCapabilities capabilities() const = 0;
  // The model's name as shown to API clients ("tiny.gguf", "gemma3:4b").
  virtual std::string model_name() const = 0;
};

using LlmEnginePtr = std::shared_ptr<LlmEngine>;

}  // namespace lv::llm
