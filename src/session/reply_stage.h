// One step of the agent's reply (context, generate, speech text, synthesize, pace) and the session services
// the steps use. Stages are chained in the order the session assembles them; each takes text (or audio) for
// a turn's reply and hands its own output to the next one.
#pragma once

#include <chrono>
#include <functional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>

#include "session/reply_turn.h"
#include "session/session_events.h"
#include "session/voice_session.h"

namespace lv::session {

class TaskPool;

// What a stage may ask of its session. Every call is made on the session's strand.
class ReplyHost {
 public:
  using Task = std::function<void()>;

  virtual void send(SessionEvent event) = 0;
  // Session logic on the strand, now or after `delay`; engine work on `pool`. Each keeps the session (and so
  // the stage) alive until it ran, and is skipped once the session is closed.
  virtual void on_strand(Task task) = 0;
  virtual void on_strand_after(std::chrono::milliseconds delay, Task task) = 0;
  virtual void on_pool(TaskPool& pool, Task task) = 0;
  // The reply of `turn`, or null once that reply is over (late results are then dropped).
  virtual ReplyTurn* reply_of(TurnId turn) = 0;
  virtual void show_state(AgentState state, TurnId turn) = 0;
  // The last stage calls this once it has drained: the reply may be over.
  virtual void reply_drained() = 0;
  virtual const SessionOptions& settings() const = 0;
  virtual const std::string& session_id() const = 0;
  virtual std::stop_token session_stop() const = 0;

 protected:
  ~ReplyHost() = default;
};

// A stage keeps the state of the one reply in progress; begin() resets it for the next.
class ReplyStage {
 public:
  virtual ~ReplyStage() = default;
  virtual std::string_view name() const = 0;

  // A new reply starts (the last one, if any, was cancelled).
  virtual void begin(ReplyTurn& reply) = 0;
  // Input: the question, generated text or a sentence, by stage.
  virtual void push_text(ReplyTurn& reply, std::string_view text) = 0;
  // Audio of the sentence last pushed as text; `sentence_end`: that sentence's audio is complete.
  virtual void push_audio(ReplyTurn& reply, std::span<const float> samples, bool sentence_end) {
    next_->push_audio(reply, samples, sentence_end);
  }
  // No more input. A stage passes end() on once its own work is done, and that is the last thing it does with
  // `reply` (the reply may be over, and gone, when the call returns).
  virtual void end(ReplyTurn& reply) = 0;
  // Stops the work of `turn` at once; what it still delivers is dropped by turn id.
  virtual void cancel(TurnId turn) = 0;

  void connect(ReplyStage& next) { next_ = &next; }

 protected:
  ReplyStage* next_ = nullptr;
};

}  // namespace lv::session
