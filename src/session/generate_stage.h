// The reply's text: the language model's streamed answer (within its first-token and total deadlines), the
// knowledge base's answer when there is no model, or a canned answer; the spoken conversation it continues.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "llm/llm_engine.h"
#include "session/context_provider.h"
#include "session/reply_stage.h"
#include "session/stop_link.h"

namespace lv::session {

class GenerateStage final : public ReplyStage {
 public:
  GenerateStage(ReplyHost& host, const SessionEngines& engines, TaskPool& pool);

  std::string_view name() const override { return "generate"; }
  void begin(ReplyTurn& reply) override;
  void push_text(ReplyTurn& reply, std::string_view text) override;
  void end(ReplyTurn& reply) override;
  void cancel(TurnId turn) override;

  // A finished turn joins the conversation the next prompts continue (what was heard of the reply, if any).
  void remember(const std::string& user_text, const std::string& heard);

 private:
  // One chat at a time: a cancelled turn's call ends before the next one starts.
  struct LlmSlot {
    std::mutex mutex;
    llm::LlmSessionPtr session;
  };

  void ask_llm(ReplyTurn& reply);
  void answer_without_llm(ReplyTurn& reply);
  void on_delta(TurnId turn, const std::string& text);
  void on_deadline(TurnId turn, bool first_token);
  void on_done(TurnId turn, const llm::ChatResult& result, std::string error);
  // Text of the reply: kept, shown to the client (held while paused) and passed on.
  void say(ReplyTurn& reply, std::string_view text);
  void finish(ReplyTurn& reply);

  ReplyHost& host_;
  llm::LlmEnginePtr llm_;
  ContextProviderPtr context_;
  std::string llm_install_command_;
  TaskPool& pool_;
  std::shared_ptr<LlmSlot> slot_ = std::make_shared<LlmSlot>();
  std::vector<llm::ChatMessage> conversation_;

  TurnId turn_ = 0;
  std::string question_;
  StopLinkPtr stop_;
  TurnId running_ = 0;   // the turn whose answer is still coming (0: none)
  std::string timeout_;  // set when a deadline stopped the call
};

}  // namespace lv::session
