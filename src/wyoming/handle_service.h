// The Wyoming `handle` service: a transcript is answered by the voice session's own reply pipeline (knowledge
// base, LLM, the no-LLM knowledge-base answer) as handled-start / handled-chunk / handled-stop, then `handled`.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "session/session_factory.h"
#include "wyoming/wyoming_service.h"

namespace lv::wyoming {

struct HandleServiceOptions {
  // Home Assistant opens a new connection per request: a conversation id keeps its session (and history)
  // across connections, until it is idle this long or the oldest idle one makes room.
  std::size_t max_conversations = 32;
  std::chrono::milliseconds idle_expiry{std::chrono::minutes(5)};
  std::string engines_summary;  // e.g. "ollama:gemma3:4b", shown in the program's description
};

class ConversationStore;

class HandleService final : public WyomingService {
 public:
  // Sessions come from `source` with its TTS left out: a Wyoming handler answers in text, so no audio is made
  // and the reply is not paced to real-time playout.
  explicit HandleService(session::SessionSource source, HandleServiceOptions options = {});
  ~HandleService() override;  // closes every conversation's session
  HandleService(const HandleService&) = delete;
  HandleService& operator=(const HandleService&) = delete;

  void describe(nlohmann::json& info_data) const override;
  std::unique_ptr<ServiceHandler> open(EventWriterPtr writer) override;

  // Conversations held now (for tests and metrics).
  std::size_t conversation_count() const;

 private:
  HandleServiceOptions options_;
  std::shared_ptr<ConversationStore> store_;
};

}  // namespace lv::wyoming
