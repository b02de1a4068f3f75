#include "session/generate_stage.h"

#include <exception>
#include <utility>

#include "session/prompt_builder.h"
#include "session/task_pool.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::session {

namespace {

constexpr const char* kLlmApology = "Sorry, something went wrong while I was answering. Please try again.";
// The spoken conversation kept for the prompt is bounded; the history store keeps everything.
constexpr std::size_t kMaxConversationMessages = 400;

}  // namespace

GenerateStage::GenerateStage(ReplyHost& host, const SessionEngines& engines, TaskPool& pool)
    : host_(host),
      llm_(engines.llm),
      context_(engines.context),
      llm_install_command_(engines.llm_install_command),
      pool_(pool) {}

void GenerateStage::begin(ReplyTurn& reply) {
  turn_ = reply.turn;
  question_.clear();
  stop_ = std::make_shared<StopLink>(host_.session_stop());
  running_ = 0;
  timeout_.clear();
}

void GenerateStage::push_text(ReplyTurn&, std::string_view text) { question_ += text; }

void GenerateStage::end(ReplyTurn& reply) {
  if (reply.canned_text) {
    say(reply, *reply.canned_text);
    finish(reply);
  } else if (!llm_) {
    answer_without_llm(reply);
  } else {
    ask_llm(reply);
  }
}

void GenerateStage::ask_llm(ReplyTurn& reply) {
  const TurnId turn = reply.turn;
  const SessionOptions& options = host_.settings();
  auto messages =
      build_messages(options.system_prompt, reply.passages, conversation_, options.max_history_messages, question_);
  reply.llm_request_at = ReplyTurn::Clock::now();
  running_ = turn;
  host_.on_pool(pool_, [this, turn, messages = std::move(messages), chat = options.chat, stop = stop_, slot = slot_] {
    llm::ChatResult result;
    std::string error;
    {
      std::lock_guard lock(slot->mutex);
      try {
        if (stop->token().stop_requested()) {
          result.finish_reason = llm::FinishReason::cancelled;
        } else {
          if (!slot->session) {
            slot->session = llm_->create_session();
          }
          const auto forward = [this, turn](const llm::ChatDelta& delta) {
            if (!delta.content.empty()) {
              host_.on_strand([this, turn, text = delta.content] { this->on_delta(turn, text); });
            }
          };
          result = slot->session->chat(messages, chat, forward, stop->token());
        }
      } catch (const Error& e) {
        error = e.full_message();
      } catch (const std::exception& e) {
        error = e.what();
      }
      if (!error.empty() || result.finish_reason == llm::FinishReason::error) {
        slot->session.reset();  // a failed conversation state is not reused
      }
    }
    host_.on_strand([this, turn, result = std::move(result), error = std::move(error)]() mutable {
      on_done(turn, result, std::move(error));
    });
  });
  host_.on_strand_after(std::chrono::milliseconds(options.llm_first_token_timeout_ms),
                        [this, turn] { on_deadline(turn, true); });
  host_.on_strand_after(std::chrono::milliseconds(options.llm_total_timeout_ms),
                        [this, turn] { on_deadline(turn, false); });
}

void GenerateStage::answer_without_llm(ReplyTurn& reply) {
  std::string answer;
  if (!reply.passages.empty()) {
    try {
      answer = context_->speakable_answer(question_, reply.passages.front());
    } catch (const std::exception& e) {
      log::warn("could not make an answer from the knowledge base",
                {{"session_id", host_.session_id()}, {"error", e.what()}});
    }
  }
  if (!answer.empty()) {
    host_.send(Citations{reply.turn, citations_for({reply.passages.front()})});
  } else if (context_) {
    // A passage that only shares a word with the question is not read out as if it answered it.
    host_.send(SessionError{reply.turn, "no_llm",
                            "no language model is installed, and no document answers this question",
                            "install one with: " + llm_install_command_});
    answer =
        "I found nothing about that in your documents, and no language model is installed to answer it "
        "otherwise. To install one, run: " +
        llm_install_command_ + ".";
  } else {
    host_.send(SessionError{reply.turn, "no_llm", "no language model is installed, so questions cannot be answered yet",
                            "install one with: " + llm_install_command_});
    answer = "I can't answer questions yet because no language model is installed. To install one, run: " +
             llm_install_command_ + ".";
  }
  say(reply, answer);
  finish(reply);
}

void GenerateStage::on_delta(TurnId turn, const std::string& text) {
  ReplyTurn* reply = host_.reply_of(turn);
  if (reply == nullptr || running_ != turn) {
    return;
  }
  if (reply->metrics.llm_first_token_ms < 0 && reply->llm_request_at) {
    reply->metrics.llm_first_token_ms = util::ms_since(*reply->llm_request_at);
  }
  say(*reply, text);
}

void GenerateStage::on_deadline(TurnId turn, bool first_token) {
  ReplyTurn* reply = host_.reply_of(turn);
  if (reply == nullptr || running_ != turn || (first_token && reply->metrics.llm_first_token_ms >= 0)) {
    return;
  }
  const SessionOptions& options = host_.settings();
  timeout_ = first_token ? "no answer began within " + std::to_string(options.llm_first_token_timeout_ms) + " ms"
                         : "the answer took longer than " + std::to_string(options.llm_total_timeout_ms) + " ms";
  stop_->request_stop();
}

void GenerateStage::on_done(TurnId turn, const llm::ChatResult& result, std::string error) {
  ReplyTurn* reply = host_.reply_of(turn);
  if (reply == nullptr || running_ != turn) {
    return;
  }
  running_ = 0;
  reply->metrics.prompt_tokens = result.timings.prompt_tokens;
  reply->metrics.completion_tokens = result.timings.completion_tokens;
  if (error.empty() && result.finish_reason == llm::FinishReason::error) {
    error = result.error.empty() ? "the language model stopped with an error" : result.error;
  }
  if (error.empty() && result.finish_reason == llm::FinishReason::cancelled && !timeout_.empty()) {
    error = timeout_;
  }
  if (!error.empty()) {
    log::warn("language model failed", {{"session_id", host_.session_id()}, {"turn", turn}, {"error", error}});
    host_.send(SessionError{turn, "llm_failed", "the language model failed: " + error,
                            "check the llm engine (localvoice doctor); the session goes on"});
    reply->failure_status = ReplyStatus::failed;
    say(*reply, (reply->generated.empty() ? "" : " ") + std::string(kLlmApology));
  }
  finish(*reply);
}

void GenerateStage::say(ReplyTurn& reply, std::string_view text) {
  if (text.empty()) {
    return;
  }
  reply.generated += text;
  if (reply.paused()) {
    reply.held_text.emplace_back(text);
  } else {
    host_.send(ReplyTextDelta{reply.turn, std::string(text)});
  }
  next_->push_text(reply, text);
}

void GenerateStage::finish(ReplyTurn& reply) {
  running_ = 0;
  next_->end(reply);
}

void GenerateStage::cancel(TurnId turn) {
  if (turn == turn_ && stop_) {
    stop_->request_stop();
    running_ = 0;
  }
}

void GenerateStage::remember(const std::string& user_text, const std::string& heard) {
  if (user_text.empty()) {
    return;
  }
  conversation_.emplace_back(llm::ChatRole::user, user_text);
  if (!heard.empty()) {
    conversation_.emplace_back(llm::ChatRole::assistant, heard);
  }
  if (conversation_.size() > kMaxConversationMessages) {
    conversation_.erase(conversation_.begin(),
                        conversation_.end() - static_cast<std::ptrdiff_t>(kMaxConversationMessages));
  }
}

}  // namespace lv::session
