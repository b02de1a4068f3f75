#include "session/session_core.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>

#include "audio/pcm.h"
#include "session/task_pool.h"
#include "session/timer_queue.h"
#include "stt/stt_engine.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"
#include "util/text.h"

namespace lv::session {

namespace {

constexpr auto kCloseWait = std::chrono::seconds(10);

// One short line per engine that limits the conversation, for people (paths and commands stay in `doctor`).
// A missing LLM or TTS is described with its consequence; an optional engine that is simply not configured
// (embeddings) degrades nothing.
std::vector<std::string> degraded_lines(const SessionEngines& engines) {
  std::vector<std::string> lines;
  for (const auto& note : engines.status) {
    const bool described_below = (note.kind == "llm" && !engines.llm) || (note.kind == "tts" && !engines.tts);
    if (note.state == "ready" || note.state == "absent" || described_below) {
      continue;
    }
    const std::string label = note.label.empty() ? note.kind : note.label;
    lines.push_back(label + ": " + (note.summary.empty() ? note.state : note.summary));
  }
  if (!engines.llm) {
    lines.emplace_back("Language model: not installed - answers come from your documents only");
  }
  if (!engines.tts) {
    lines.emplace_back("Spoken replies: off - replies arrive as text only");
  }
  return lines;
}

}  // namespace

SessionCore::SessionCore(SessionRuntime& runtime, SessionEngines engines, SessionOptions options, EventSink sink,
                         history::HistoryRecorderPtr history, std::string session_id, TransitionListener on_transition)
    : runtime_(runtime),
      engines_(std::move(engines)),
      sink_(std::move(sink)),
      history_(std::move(history)),
      id_(std::move(session_id)),
      owner_(reinterpret_cast<std::uintptr_t>(this)),
      tracker_(std::make_shared<WorkTracker>()),
      strand_(std::make_shared<Strand>(runtime.session_pool(), owner_, tracker_)),
      options_(options),
      active_input_rate_hz_(options.input_sample_rate_hz),
      max_buffered_input_ms_(options.max_buffered_input_ms),
      active_(std::move(options)),
      on_transition_(std::move(on_transition)) {
  assemble_reply_pipeline();
}

SessionCore::~SessionCore() {
  // Every task holds the session, so nothing is queued or running any more: only bookkeeping is left.
  if (!closed_.exchange(true)) {
    session_stop_.request_stop();
    strand_->close();
    if (history_ && started_) {
      try {
        history_->end_session(id_, util::epoch_ms());
      } catch (const std::exception& e) {
        log::warn("could not record the end of a session", {{"session_id", id_}, {"error", e.what()}});
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Plumbing

void SessionCore::emit(SessionEvent event) {
  std::lock_guard lock(emit_mutex_);
  if (emit_closed_) {
    return;
  }
  emitting_thread_ = std::this_thread::get_id();
  try {
    sink_(std::move(event));
  } catch (const std::exception& e) {
    log::error("session event sink failed", {{"session_id", id_}, {"error", e.what()}});
  }
  emitting_thread_ = std::thread::id{};
}

void SessionCore::post(Work task) {
  strand_->post([self = shared_from_this(), task = std::move(task)] {
    if (!self->closed_) {
      task(*self);
    }
  });
}

void SessionCore::post_after(std::chrono::milliseconds delay, Work task) {
  std::weak_ptr<SessionCore> weak = weak_from_this();
  runtime_.timers().schedule_after(delay, [weak, task = std::move(task)] {
    if (auto self = weak.lock()) {
      self->post(task);
    }
  });
}

void SessionCore::submit(TaskPool& pool, Work task, bool first) {
  auto wrapped = [self = shared_from_this(), ticket = std::make_shared<WorkTracker::Ticket>(tracker_),
                  task = std::move(task)] {
    if (!self->closed_) {
      task(*self);
    }
  };
  if (first) {
    pool.submit_first(owner_, std::move(wrapped));
  } else {
    pool.submit(owner_, std::move(wrapped));
  }
}

// ---------------------------------------------------------------------------------------------------------
// Public API: every method hands its work to the strand and returns.

void SessionCore::start() {
  if (started_.exchange(true) || closed_) {
    return;
  }
  started_at_ms_ = util::epoch_ms();
  post([](SessionCore& self) {
    self.detector_ = std::make_unique<TurnDetector>(self.engines_.vad->open_stream(), self.active_.turn_taking,
                                                    self.engines_.vad->options().threshold);
    SessionStarted started;
    started.session_id = self.id_;
    started.engines = self.engines_.status;
    started.degraded = degraded_lines(self.engines_);
    started.input_sample_rate_hz = self.active_.input_sample_rate_hz;
    started.output_sample_rate_hz = self.active_.output_sample_rate_hz;
    self.emit(std::move(started));
    self.set_state(AgentState::listening, 0);
    if (self.history_) {
      try {
        self.history_->record_session(
            {self.id_, self.started_at_ms_, self.engines_.stt_name, self.engines_.llm_name, self.engines_.tts_name});
      } catch (const std::exception& e) {
        log::warn("could not record a session", {{"session_id", self.id_}, {"error", e.what()}});
      }
    }
  });
}

bool SessionCore::push_audio(std::span<const std::int16_t> samples) {
  if (closed_ || samples.empty()) {
    return !closed_;
  }
  bool schedule = false;
  {
    std::lock_guard lock(input_mutex_);
    const auto rate_hz = static_cast<std::size_t>(active_input_rate_hz_.load());
    const std::size_t limit = rate_hz * static_cast<std::size_t>(max_buffered_input_ms_.load()) / 1000;
    if (input_samples_ + samples.size() > limit) {
      if (!overflowing_) {
        overflowing_ = true;
        post([](SessionCore& self) {
          self.emit(SessionError{self.state_turn_, "input_overflow",
                                 "the server could not keep up with the input audio and dropped some of it",
                                 "send audio in real time (20 ms frames) and check the server's CPU load"});
        });
      }
      return false;
    }
    // The one conversion from the wire: PCM16 to float, straight into the chunk the detector reads.
    input_.push_back(InputChunk{audio::pcm16_to_float(samples), Clock::now()});
    input_samples_ += samples.size();
    if (!input_scheduled_) {
      input_scheduled_ = true;
      schedule = true;
    }
  }
  if (schedule) {
    post([](SessionCore& self) { self.drain_input(); });
  }
  return true;
}

void SessionCore::push_text(std::string text) {
  post([text = std::move(text)](SessionCore& self) mutable {
    text = util::trim(std::move(text));
    if (text.empty()) {
      return;
    }
    if (self.reply_) {
      self.cut_output(*self.reply_);
      self.finish_reply(ReplyStatus::interrupted);
    }
    if (self.user_) {
      self.drop_user_turn(UserTurnEvent::text_input);
    }
    const TurnId turn = ++self.last_turn_;
    self.start_reply(turn, text, false);
  });
}

void SessionCore::commit_input() {
  post([](SessionCore& self) {
    if (self.detector_) {
      self.handle_signals(self.detector_->commit(Clock::now()));
    }
  });
}

void SessionCore::interrupt() {
  ++cut_epoch_;  // an output loop running right now stops before its next frame
  strand_->post_urgent([self = shared_from_this()] {
    if (self->closed_ || !self->reply_) {
      return;
    }
    if (self->user_ && self->user_->interrupting()) {
      self->user_->machine.fire(UserTurnEvent::agent_stopped);  // the user's words are a turn of their own now
    }
    self->cut_output(*self->reply_);
    self->finish_reply(ReplyStatus::interrupted);
  });
}

void SessionCore::report_playout(TurnId turn, std::uint32_t seq) {
  // Not queued behind audio: an interrupt() right after must already see it.
  std::lock_guard lock(playout_mutex_);
  if (turn != playout_turn_ || seq > playout_seq_) {
    playout_turn_ = turn;
    playout_seq_ = seq;
  }
}

SessionOptions SessionCore::options() const {
  std::lock_guard lock(options_mutex_);
  return options_;
}

void SessionCore::update(const SessionUpdate& update) {
  SessionOptions next = options();
  if (update.turn_taking) {
    next.turn_taking = *update.turn_taking;
  }
  if (update.system_prompt) {
    next.system_prompt = *update.system_prompt;
  }
  if (update.voice) {
    next.voice = *update.voice;
  }
  if (update.input_sample_rate_hz) {
    next.input_sample_rate_hz = *update.input_sample_rate_hz;
  }
  if (update.output_sample_rate_hz) {
    next.output_sample_rate_hz = *update.output_sample_rate_hz;
  }
  validate(next);  // throws naming the field; nothing changed then
  if (engines_.tts && update.voice && !update.voice->empty()) {
    tts::validate_options(engines_.tts->capabilities(), tts::SynthesisOptions{*update.voice, 1.0},
                          engines_.tts->name());
  }
  {
    std::lock_guard lock(options_mutex_);
    options_ = next;
  }
  active_input_rate_hz_ = next.input_sample_rate_hz;
  post([next](SessionCore& self) {
    self.active_ = next;
    if (self.detector_) {
      self.detector_->set_options(next.turn_taking);
    }
  });
}

void SessionCore::close() {
  if (closed_.exchange(true)) {
    return;
  }
  // Called from the sink, the emit lock is already held by this thread.
  if (emitting_thread_.load() == std::this_thread::get_id()) {
    emit_closed_ = true;
  } else {
    std::lock_guard lock(emit_mutex_);
    emit_closed_ = true;
  }
  session_stop_.request_stop();
  strand_->close();
  for (TaskPool* pool : {&runtime_.session_pool(), &runtime_.stt_pool(), &runtime_.llm_pool(), &runtime_.tts_pool(),
                         &runtime_.context_pool()}) {
    pool->cancel_queued(owner_);
  }
  const std::size_t own = strand_->in_strand() ? 1 : 0;
  if (!tracker_->wait_idle(own, kCloseWait)) {
    log::warn("session work did not stop in time", {{"session_id", id_}, {"tasks", tracker_->count()}});
  }
  if (history_ && started_) {
    try {
      history_->end_session(id_, util::epoch_ms());
    } catch (const std::exception& e) {
      log::warn("could not record the end of a session", {{"session_id", id_}, {"error", e.what()}});
    }
  }
  log::debug("session closed", {{"session_id", id_}});
}

}  // namespace lv::session
