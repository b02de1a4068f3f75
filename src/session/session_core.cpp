#include "session/session_core.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>

#include "audio/pcm.h"
#include "session/session_turn_state.h"
#include "session/task_pool.h"
#include "session/timer_queue.h"
#include "stt/stt_engine.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::session {

namespace {

// Paused turns are also ended on the wall clock, a little after the silence should have been heard.
constexpr int kStalledInputSlackMs = 150;
constexpr auto kCloseWait = std::chrono::seconds(10);

std::int64_t epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

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
                         history::HistoryRecorderPtr history, std::string session_id)
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
      llm_slot_(std::make_shared<LlmSlot>()) {}

SessionCore::~SessionCore() {
  // Every task holds the session, so nothing is queued or running any more: only bookkeeping is left.
  if (!closed_.exchange(true)) {
    session_stop_.request_stop();
    strand_->close();
    if (history_ && started_) {
      try {
        history_->end_session(id_, epoch_ms());
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
  started_at_ms_ = epoch_ms();
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
    input_.push_back(InputChunk{{samples.begin(), samples.end()}, Clock::now()});
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
    text = stt::trim(std::move(text));
    if (text.empty()) {
      return;
    }
    if (self.reply_) {
      self.cut_output(*self.reply_);
      self.finish_reply(ReplyStatus::interrupted);
    }
    if (self.user_) {
      if (!self.user_->ended) {
        self.detector_->discard_turn();
      }
      if (self.user_->stt_stop) {
        self.user_->stt_stop->request_stop();
      }
      self.user_.reset();
      ++self.stt_generation_;
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
    if (self->user_) {
      self->user_->interrupting = false;  // the user's words are a turn of their own now
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
      history_->end_session(id_, epoch_ms());
    } catch (const std::exception& e) {
      log::warn("could not record the end of a session", {{"session_id", id_}, {"error", e.what()}});
    }
  }
  log::debug("session closed", {{"session_id", id_}});
}

// ---------------------------------------------------------------------------------------------------------
// Input and turn-taking

void SessionCore::drain_input() {
  std::deque<InputChunk> chunks;
  {
    std::lock_guard lock(input_mutex_);
    chunks.swap(input_);
    input_samples_ = 0;
    input_scheduled_ = false;
    overflowing_ = false;
  }
  if (!detector_) {
    return;  // audio before start(): nothing listens yet
  }
  for (auto& chunk : chunks) {
    std::vector<float> samples = audio::pcm16_to_float(chunk.samples);
    const int rate_hz = active_.input_sample_rate_hz;
    if (rate_hz != vad::kVadSampleRateHz) {
      if (!input_resampler_ || input_resampler_rate_hz_ != rate_hz) {
        input_resampler_ =
            std::make_unique<audio::Resampler>(rate_hz, vad::kVadSampleRateHz, 1, audio::ResampleQuality::medium);
        input_resampler_rate_hz_ = rate_hz;
      }
      samples = input_resampler_->process(samples);
    }
    handle_signals(detector_->push(samples, chunk.arrival));
    if (closed_) {
      return;
    }
  }
  maybe_start_partial();
}

void SessionCore::handle_signals(std::vector<TurnSignal> signals) {
  for (auto& signal : signals) {
    switch (signal.type) {
      case TurnSignal::Type::speech_began:
        if (user_ && user_->ended) {
          pending_speech_ms_ = signal.audio_ms;  // taken up once the last turn's transcript is in
          pending_speech_long_ = false;
        } else if (user_ || (reply_ && !active_.turn_taking.allow_interruptions)) {
          detector_->discard_turn();  // the agent may not be interrupted
        } else if (!reply_) {
          begin_user_turn(signal.audio_ms);
        }
        // While the agent replies, speech must last min_interruption_ms (speech_long) to count.
        break;
      case TurnSignal::Type::speech_long:
        if (pending_speech_ms_ && user_) {
          pending_speech_long_ = true;
        } else if (reply_ && !reply_->paused && !user_ && active_.turn_taking.allow_interruptions) {
          barge_in(signal.audio_ms);
        }
        break;
      case TurnSignal::Type::speech_paused:
        if (user_ && !user_->ended) {
          user_->speech_end_wall = signal.speech_end_wall;
          user_->has_speech_end = true;
          // Transcribe now: if the silence lasts, the transcript is ready (or nearly) when the turn ends.
          if (engines_.stt && !user_->stt_pending) {
            start_stt(SttKind::early, detector_->turn_audio());
          }
        } else if (!user_ && reply_) {
          detector_->discard_turn();  // a sound too short to interrupt (a cough): the agent goes on
        }
        break;
      case TurnSignal::Type::speech_resumed:
        if (user_ && !user_->ended) {
          ++stt_generation_;  // the user goes on: the early transcript is already out of date
          if (user_->stt_stop) {
            user_->stt_stop->request_stop();
          }
          user_->stt_pending = false;
          user_->early_done = false;
          user_->has_speech_end = false;
        }
        break;
      case TurnSignal::Type::turn_ended:
        if (user_ && !user_->ended) {
          end_user_turn(signal);
        } else {
          pending_speech_ms_.reset();  // that speech ended before it could be a turn
        }
        break;
      case TurnSignal::Type::noise_ignored:
        break;
    }
    if (closed_) {
      return;
    }
  }
  if (user_ && user_->has_speech_end && !user_->ended) {
    const int wait_ms = active_.turn_taking.end_of_turn_silence_ms + kStalledInputSlackMs;
    post_after(std::chrono::milliseconds(wait_ms), [](SessionCore& self) { self.check_stalled_input(); });
  }
}

void SessionCore::check_stalled_input() {
  if (detector_ && user_ && !user_->ended) {
    handle_signals(detector_->check_stalled_input(Clock::now()));
  }
}

void SessionCore::begin_user_turn(double audio_ms) {
  user_ = std::make_unique<UserTurn>();
  user_->id = ++last_turn_;
  user_->start_audio_ms = audio_ms;
  ++stt_generation_;
  emit(SpeechStarted{user_->id, audio_ms});
  set_state(AgentState::user_speaking, user_->id);
}

void SessionCore::barge_in(double audio_ms) {
  Reply& reply = *reply_;
  begin_user_turn(audio_ms);
  user_->interrupting = true;
  reply.heard_at_pause = heard_seq(reply);
  reply.paused = true;
  cut_output(reply);
  const TurnId user_turn = user_->id;
  post_after(std::chrono::milliseconds(active_.turn_taking.false_interruption_timeout_ms),
             [user_turn](SessionCore& self) { self.resume_after_false_interruption(user_turn); });
  // Words decide whether this is an interruption: ask for them now rather than after 600 ms more speech.
  maybe_start_partial(true);
}

void SessionCore::on_words_heard() {
  if (!user_ || !user_->interrupting) {
    return;
  }
  user_->interrupting = false;
  if (reply_ && reply_->paused) {
    finish_reply(ReplyStatus::interrupted);
  }
}

void SessionCore::resume_after_false_interruption(TurnId user_turn) {
  if (!user_ || user_->id != user_turn || !user_->interrupting || !reply_ || !reply_->paused) {
    return;
  }
  log::debug("false interruption: resuming the reply", {{"session_id", id_}, {"turn", reply_->turn}});
  if (!user_->ended) {
    detector_->discard_turn();
  }
  if (user_->stt_stop) {
    user_->stt_stop->request_stop();
  }
  user_.reset();
  ++stt_generation_;
  Reply& reply = *reply_;
  reply.paused = false;
  reply.playing = false;
  if (reply.track) {
    reply.track->rewind_to_sentence_of(reply.heard_at_pause);
  }
  set_state(reply.first_frame_sent ? AgentState::speaking : AgentState::thinking, reply.turn);
  for (auto& text : std::exchange(reply.held_text, {})) {
    emit(ReplyTextDelta{reply.turn, std::move(text)});
  }
  pump_output();
  maybe_finish_reply();
}

void SessionCore::end_user_turn(TurnSignal& signal) {
  UserTurn& user = *user_;
  user.ended = true;
  user.user_audio_ms = std::max(0.0, signal.audio_ms - user.start_audio_ms);
  user.silence_ms = signal.silence_ms;
  user.speech_end_wall = signal.speech_end_wall;
  user.has_speech_end = true;
  emit(SpeechStopped{user.id, signal.audio_ms});
  if (!engines_.stt) {
    fail_stt("no speech-to-text engine is configured");
    return;
  }
  if (user.early_done) {
    take_transcript(user.early_text);
    return;
  }
  if (!user.stt_pending) {
    start_stt(SttKind::final, std::move(signal.audio));
  }
  const TurnId turn = user.id;
  const std::uint64_t generation = stt_generation_;
  post_after(std::chrono::milliseconds(active_.stt_timeout_ms),
             [turn, generation](SessionCore& self) { self.on_stt_deadline(turn, generation, false); });
  post_after(std::chrono::milliseconds(active_.turn_taking.max_wait_ms),
             [turn, generation](SessionCore& self) { self.on_stt_deadline(turn, generation, true); });
}

void SessionCore::adopt_pending_speech() {
  const std::optional<double> start_ms = std::exchange(pending_speech_ms_, std::nullopt);
  if (!start_ms || user_ || !detector_ || !detector_->in_turn()) {
    return;
  }
  if (!reply_) {
    begin_user_turn(*start_ms);
  } else if (pending_speech_long_ && active_.turn_taking.allow_interruptions) {
    barge_in(*start_ms);
  }
  // Otherwise the speech is still short: its speech_long signal, if it comes, interrupts the reply.
}

void SessionCore::set_state(AgentState state, TurnId turn) {
  if (state == state_ && turn == state_turn_) {
    return;
  }
  state_ = state;
  state_turn_ = turn;
  emit(StateChanged{turn, state});
}

}  // namespace lv::session
