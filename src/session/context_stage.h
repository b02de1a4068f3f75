// The reply's first stage: passages from the knowledge base for the question, within retrieval_timeout_ms.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "session/context_provider.h"
#include "session/reply_stage.h"
#include "session/stop_link.h"

namespace lv::session {

class ContextStage final : public ReplyStage {
 public:
  // `cite`: announce the passages as citations (without a language model only the passage read out is one).
  ContextStage(ReplyHost& host, ContextProviderPtr context, TaskPool& pool, bool cite);

  std::string_view name() const override { return "context"; }
  void begin(ReplyTurn& reply) override;
  void push_text(ReplyTurn& reply, std::string_view text) override;
  void end(ReplyTurn& reply) override;
  void cancel(TurnId turn) override;

 private:
  void on_context(TurnId turn, std::vector<Passage> passages, const std::string& error, double took_ms);
  void pass_on(ReplyTurn& reply);

  ReplyHost& host_;
  ContextProviderPtr context_;
  TaskPool& pool_;
  bool cite_;
  TurnId turn_ = 0;
  std::string question_;
  StopLinkPtr stop_;
  TurnId waiting_for_ = 0;  // the turn whose passages are awaited (0: none)
};

}  // namespace lv::session
