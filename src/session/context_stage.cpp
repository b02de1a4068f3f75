#include "session/context_stage.h"

#include <exception>
#include <utility>

#include "session/prompt_builder.h"
#include "session/task_pool.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::session {

ContextStage::ContextStage(ReplyHost& host, ContextProviderPtr context, TaskPool& pool, bool cite)
    : host_(host), context_(std::move(context)), pool_(pool), cite_(cite) {}

void ContextStage::begin(ReplyTurn& reply) {
  turn_ = reply.turn;
  question_.clear();
  stop_ = std::make_shared<StopLink>(host_.session_stop());
  waiting_for_ = 0;
}

void ContextStage::push_text(ReplyTurn&, std::string_view text) { question_ += text; }

void ContextStage::end(ReplyTurn& reply) {
  if (!context_ || reply.canned_text) {
    pass_on(reply);
    return;
  }
  const TurnId turn = reply.turn;
  waiting_for_ = turn;
  host_.on_pool(pool_, [this, turn, query = question_, stop = stop_] {
    const auto started = util::SteadyClock::now();
    std::vector<Passage> passages;
    std::string error;
    try {
      passages = context_->retrieve(query, stop->token());
    } catch (const Error& e) {
      error = e.full_message();
    } catch (const std::exception& e) {
      error = e.what();
    }
    const double took_ms = util::ms_since(started);
    host_.on_strand([this, turn, took_ms, passages = std::move(passages), error = std::move(error)]() mutable {
      on_context(turn, std::move(passages), error, took_ms);
    });
  });
  const int timeout_ms = host_.settings().retrieval_timeout_ms;
  host_.on_strand_after(std::chrono::milliseconds(timeout_ms), [this, turn, timeout_ms, stop = stop_] {
    if (waiting_for_ == turn) {
      stop->request_stop();
      on_context(turn, {}, "retrieval took longer than " + std::to_string(timeout_ms) + " ms", timeout_ms);
    }
  });
}

void ContextStage::on_context(TurnId turn, std::vector<Passage> passages, const std::string& error, double took_ms) {
  ReplyTurn* reply = host_.reply_of(turn);
  if (reply == nullptr || waiting_for_ != turn) {
    return;
  }
  waiting_for_ = 0;
  reply->metrics.retrieval_ms = took_ms;
  if (!error.empty()) {
    log::warn("context retrieval failed; answering without it", {{"session_id", host_.session_id()}, {"error", error}});
  }
  reply->passages = number_passages(std::move(passages));
  if (!reply->passages.empty() && cite_) {
    host_.send(Citations{turn, citations_for(reply->passages)});
  }
  pass_on(*reply);
}

void ContextStage::pass_on(ReplyTurn& reply) {
  next_->push_text(reply, question_);
  next_->end(reply);
}

void ContextStage::cancel(TurnId turn) {
  if (turn == turn_ && stop_) {
    stop_->request_stop();
    waiting_for_ = 0;
  }
}

}  // namespace lv::session
