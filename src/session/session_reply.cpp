// The reply half of SessionCore: the pipeline of reply stages, a reply's start, pause, resume and end (its
// state machine), and the session services the stages use.
#include <algorithm>
#include <exception>
#include <utility>

#include "session/context_stage.h"
#include "session/generate_stage.h"
#include "session/pacer_stage.h"
#include "session/session_core.h"
#include "session/speech_text_stage.h"
#include "session/synthesize_stage.h"
#include "session/task_pool.h"
#include "session/timer_queue.h"
#include "session/turn_report.h"
#include "util/clock.h"
#include "util/log.h"

namespace lv::session {

// The reply pipeline, in order. A new stage is one class and one line here.
void SessionCore::assemble_reply_pipeline() {
  ReplyHost& host = *this;
  add_reply_stage(
      std::make_unique<ContextStage>(host, engines_.context, runtime_.context_pool(), engines_.llm != nullptr));
  generate_ = add_reply_stage(std::make_unique<GenerateStage>(host, engines_, runtime_.llm_pool()));
  if (engines_.tts) {
    add_reply_stage(std::make_unique<SpeechTextStage>());
    synthesize_ = add_reply_stage(std::make_unique<SynthesizeStage>(host, engines_.tts, runtime_.tts_pool()));
  }
  pacer_ = add_reply_stage(std::make_unique<PacerStage>(host, cut_epoch_));
  if (on_transition_) {
    reply_observer_ = [listener = on_transition_](std::string_view machine, const ReplyTransition& step) {
      listener(machine, name(step.from), name(step.event), name(step.to));
    };
  }
}

template <typename Stage>
Stage* SessionCore::add_reply_stage(std::unique_ptr<Stage> stage) {
  Stage* added = stage.get();
  if (!reply_stages_.empty()) {
    reply_stages_.back()->connect(*added);
  }
  reply_stages_.push_back(std::move(stage));
  return added;
}

SessionCore::Reply* SessionCore::current_reply(TurnId turn) {
  return reply_ && reply_->turn == turn ? reply_.get() : nullptr;
}

SessionCore::Reply& SessionCore::open_reply(TurnId turn, std::string user_text) {
  if (reply_) {
    cut_output(*reply_);
    finish_reply(ReplyStatus::interrupted);
  }
  reply_ = std::make_unique<Reply>(turn, reply_observer_, active_.output_sample_rate_hz, active_.output_frame_ms);
  Reply& reply = *reply_;
  reply.user_text = std::move(user_text);
  reply.started_at_ms = util::epoch_ms();
  reply.metrics.turn = turn;
  reply.metrics.stt_engine = engines_.stt_name;
  reply.metrics.llm_engine = engines_.llm ? engines_.llm_name : std::string();
  reply.metrics.tts_engine = engines_.tts ? engines_.tts_name : std::string();
  for (const auto& stage : reply_stages_) {
    stage->begin(reply);
  }
  reply.machine.fire(ReplyEvent::start);
  return reply;
}

void SessionCore::start_reply(TurnId turn, const std::string& user_text, bool voice) {
  // Metrics of the user's turn move to the reply before the turn is forgotten.
  TurnMetrics from_user;
  std::optional<Clock::time_point> speech_end;
  if (voice && user_ && user_->id == turn) {
    user_->fill_metrics(from_user, Clock::now());
    speech_end = user_->speech_end_wall;
    user_.reset();
  }
  Reply& reply = open_reply(turn, user_text);
  reply.metrics.user_audio_ms = from_user.user_audio_ms;
  reply.metrics.end_of_turn_silence_ms = from_user.end_of_turn_silence_ms;
  reply.metrics.stt_ms = from_user.stt_ms;
  reply.metrics.stt_wait_ms = from_user.stt_wait_ms;
  reply.speech_end_wall = speech_end;
  if (voice) {
    emit(TranscriptFinal{turn, user_text});
  }
  set_state(AgentState::thinking, turn);
  emit(ReplyStarted{turn});
  // The reply may be over (and gone) when the pipeline returns.
  reply_stages_.front()->push_text(reply, user_text);
  reply_stages_.front()->end(reply);
  adopt_pending_speech();
}

void SessionCore::start_canned_reply(TurnId turn, const std::string& text, ReplyStatus status) {
  Reply& reply = open_reply(turn, {});
  reply.failure_status = status;
  reply.canned_text = text;
  set_state(AgentState::thinking, turn);
  emit(ReplyStarted{turn});
  reply_stages_.front()->end(reply);
  adopt_pending_speech();
}

void SessionCore::pause_reply() {
  Reply& reply = *reply_;
  reply.heard_at_pause = heard_seq(reply);
  reply.machine.fire(ReplyEvent::barge_in);
  cut_output(reply);
}

void SessionCore::resume_reply() {
  Reply& reply = *reply_;
  const bool heard_some = reply.track.frames_sent() > 0;
  reply.machine.fire(heard_some ? ReplyEvent::resume : ReplyEvent::resume_before_audio);
  pacer_->restart(reply);
  set_state(heard_some ? AgentState::speaking : AgentState::thinking, reply.turn);
  for (auto& text : std::exchange(reply.held_text, {})) {
    emit(ReplyTextDelta{reply.turn, std::move(text)});
  }
  pacer_->pump(reply);
  maybe_finish_reply();
}

bool SessionCore::reply_paused() const { return reply_ && reply_->paused(); }

void SessionCore::cut_output(Reply& reply) {
  ++cut_epoch_;
  emit(PlaybackFlush{reply.turn});
}

std::optional<std::uint32_t> SessionCore::heard_seq(const Reply& reply) const {
  const std::uint32_t sent = reply.track.frames_sent();
  {
    std::lock_guard lock(playout_mutex_);
    if (playout_turn_ == reply.turn && sent > 0) {
      return std::min(playout_seq_, sent - 1);
    }
  }
  return pacer_->estimated_heard_seq(reply);
}

void SessionCore::maybe_finish_reply() {
  if (reply_ && !reply_->paused() && pacer_->drained(*reply_)) {
    finish_reply(reply_->failure_status);
  }
}

void SessionCore::finish_reply(ReplyStatus status) {
  std::unique_ptr<Reply> reply = std::move(reply_);
  if (!reply) {
    return;
  }
  const bool was_paused = reply->paused();
  reply->machine.fire(status == ReplyStatus::interrupted ? ReplyEvent::cancel : ReplyEvent::drained);
  for (const auto& stage : reply_stages_) {
    stage->cancel(reply->turn);
  }
  const bool spoken = synthesize_ != nullptr;
  const bool audible = spoken && reply->track.frames_sent() > 0;
  std::string heard = reply->generated;
  if (status == ReplyStatus::interrupted && audible) {
    heard = reply->track.text_heard(was_paused ? reply->heard_at_pause : heard_seq(*reply));
  } else if (status == ReplyStatus::interrupted && spoken && !synthesize_->failed()) {
    heard.clear();  // cut before any audio went out
  }
  TurnMetrics metrics = reply->metrics;
  metrics.reply_audio_ms = reply->track.frames_sent() * reply->track.frame_ms();
  metrics.reply_chars = reply->generated.size();
  metrics.interrupted = status == ReplyStatus::interrupted;
  emit(ReplyDone{reply->turn, status, heard, reply->generated});
  emit(metrics);
  log_turn(id_, metrics, status);
  if (auto* registry = runtime_.metrics()) {
    observe_turn(*registry, metrics, status);
  }
  if (history_) {
    try {
      history_->record_turn(turn_record(id_, metrics, status, reply->started_at_ms, reply->user_text, heard));
    } catch (const std::exception& e) {
      log::warn("could not record a turn", {{"session_id", id_}, {"error", e.what()}});
    }
  }
  generate_->remember(reply->user_text, heard);
  if (user_) {
    set_state(AgentState::user_speaking, user_->id);
  } else {
    set_state(AgentState::listening, reply->turn);
  }
}

// --- what the stages ask of the session -------------------------------------------------------------------

void SessionCore::send(SessionEvent event) { emit(std::move(event)); }

void SessionCore::on_strand(Task task) {
  strand_->post([self = shared_from_this(), task = std::move(task)] {
    if (!self->closed_) {
      task();
    }
  });
}

void SessionCore::on_strand_after(std::chrono::milliseconds delay, Task task) {
  std::weak_ptr<SessionCore> weak = weak_from_this();
  runtime_.timers().schedule_after(delay, [weak, task = std::move(task)]() mutable {
    if (auto self = weak.lock()) {
      self->on_strand(std::move(task));
    }
  });
}

void SessionCore::on_pool(TaskPool& pool, Task task) {
  pool.submit(owner_, [self = shared_from_this(), ticket = std::make_shared<WorkTracker::Ticket>(tracker_),
                       task = std::move(task)] {
    if (!self->closed_) {
      task();
    }
  });
}

ReplyTurn* SessionCore::reply_of(TurnId turn) { return current_reply(turn); }

void SessionCore::show_state(AgentState state, TurnId turn) { set_state(state, turn); }

void SessionCore::reply_drained() { maybe_finish_reply(); }

const SessionOptions& SessionCore::settings() const { return active_; }

const std::string& SessionCore::session_id() const { return id_; }

std::stop_token SessionCore::session_stop() const { return session_stop_.get_token(); }

}  // namespace lv::session
