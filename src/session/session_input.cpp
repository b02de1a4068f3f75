// The input half of SessionCore: audio to the turn detector, its signals to the user turn's state machine, the
// turn's audio to its transcriber, and barge-in over the agent's reply.
#include <algorithm>
#include <chrono>
#include <utility>

#include "session/session_core.h"
#include "session/stream_slots.h"
#include "session/task_pool.h"
#include "stt/stt_engine.h"
#include "stt/utterance_decoder.h"
#include "util/log.h"

namespace lv::session {

namespace {

// Paused turns are also ended on the wall clock, a little after the silence should have been heard.
constexpr int kStalledInputSlackMs = 150;

// A streaming decoder while one of the runtime's slots is free, else one that decodes the turn when it ends.
TurnTranscriber::Opened open_decoder(const stt::SttEnginePtr& stt, StreamSlots& slots,
                                     const std::shared_ptr<stt::ChannelEstimate>& channel) {
  stt::TranscribeOptions options;
  options.channel = channel;
  TurnTranscriber::Opened opened;
  if (stt->capabilities().streaming) {
    if (slots.try_take()) {
      opened.hold = std::shared_ptr<void>(nullptr, [stt, &slots](void*) { slots.give_back(); });
      opened.decoder = stt->open_utterance(options);
      return opened;
    }
  } else {
    opened.decoder = stt->open_utterance(options);
    opened.hold = stt;
    return opened;
  }
  opened.decoder = std::make_unique<stt::BufferedUtteranceDecoder>(*stt, options);
  opened.hold = stt;
  return opened;
}

}  // namespace

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
    const int rate_hz = active_.input_sample_rate_hz;
    if (rate_hz != vad::kVadSampleRateHz) {
      if (!input_resampler_ || input_resampler_rate_hz_ != rate_hz) {
        input_resampler_ =
            std::make_unique<audio::Resampler>(rate_hz, vad::kVadSampleRateHz, 1, audio::ResampleQuality::medium);
        input_resampler_rate_hz_ = rate_hz;
      }
      chunk.samples = input_resampler_->process(chunk.samples);
    }
    handle_signals(detector_->push(chunk.samples, chunk.arrival));
    if (closed_) {
      return;
    }
    if (user_ && !user_->ended() && detector_->in_turn()) {
      feed_user_turn(detector_->turn_audio_from(user_->fed_samples));
    }
  }
  maybe_start_partial();
}

void SessionCore::handle_signals(std::vector<TurnSignal> signals) {
  for (auto& signal : signals) {
    switch (signal.type) {
      case TurnSignal::Type::speech_began:
        on_speech_began(signal.audio_ms);
        break;
      case TurnSignal::Type::speech_long:
        on_speech_long(signal.audio_ms);
        break;
      case TurnSignal::Type::speech_paused:
        on_speech_paused(signal);
        break;
      case TurnSignal::Type::speech_resumed:
        on_speech_resumed();
        break;
      case TurnSignal::Type::turn_ended:
        if (user_ && !user_->ended()) {
          end_user_turn(signal);
        } else {
          pending_speech_.reset();  // that speech ended before it could be a turn
        }
        break;
      case TurnSignal::Type::noise_ignored:
        break;
    }
    if (closed_) {
      return;
    }
  }
  if (user_ && user_->speech_end_wall && !user_->ended()) {
    const int wait_ms = active_.turn_taking.end_of_turn_silence_ms + kStalledInputSlackMs;
    post_after(std::chrono::milliseconds(wait_ms), [](SessionCore& self) { self.check_stalled_input(); });
  }
}

void SessionCore::on_speech_began(double audio_ms) {
  if (user_ && user_->ended()) {
    // Taken up once the last turn's transcript is in.
    user_->machine.fire(UserTurnEvent::speech_began);
    pending_speech_ = PendingSpeech{audio_ms, false};
  } else if (user_ || (reply_ && !active_.turn_taking.allow_interruptions)) {
    detector_->discard_turn();  // the agent may not be interrupted
  } else if (!reply_) {
    begin_user_turn(audio_ms, UserTurnEvent::speech_began);
  }
  // While the agent replies, speech must last min_interruption_ms (speech_long) to count.
}

void SessionCore::on_speech_long(double audio_ms) {
  if (pending_speech_ && user_) {
    pending_speech_->long_enough = true;
  } else if (reply_ && !reply_->paused() && !user_ && active_.turn_taking.allow_interruptions) {
    barge_in(audio_ms);
  }
}

void SessionCore::on_speech_paused(const TurnSignal& signal) {
  if (user_ && !user_->ended()) {
    user_->speech_end_wall = signal.speech_end_wall;
    // Transcribe now: if the silence lasts, the transcript is ready (or nearly) when the turn ends.
    start_early_transcript();
  } else if (!user_ && reply_) {
    detector_->discard_turn();  // a sound too short to interrupt (a cough): the agent goes on
  }
}

void SessionCore::on_speech_resumed() {
  if (!user_ || user_->ended()) {
    return;
  }
  ++stt_generation_;  // the user goes on: a hypothesis taken at the pause is out of date
  if (user_->early && user_->early->stop) {
    user_->early->stop->request_stop();
  }
  user_->early.reset();
  user_->speech_end_wall.reset();
}

void SessionCore::check_stalled_input() {
  if (detector_ && user_ && !user_->ended()) {
    handle_signals(detector_->check_stalled_input(Clock::now()));
  }
}

void SessionCore::begin_user_turn(double audio_ms, UserTurnEvent how) {
  user_ = std::make_unique<UserTurn>(++last_turn_, audio_ms, on_transition_);
  user_->machine.fire(how);
  ++stt_generation_;
  if (engines_.stt) {
    std::weak_ptr<SessionCore> weak = weak_from_this();
    user_->transcriber = std::make_shared<TurnTranscriber>(
        [stt = engines_.stt, slots = &runtime_.stt_stream_slots(), channel = speaker_channel_] {
          return open_decoder(stt, *slots, channel);
        },
        session_stop_.get_token(),
        [weak](std::function<void()> job, bool urgent) {
          if (auto self = weak.lock()) {
            self->submit(
                self->runtime_.stt_pool(), [job = std::move(job)](SessionCore&) { job(); }, urgent);
          }
        });
    // The detector kept the turn's audio from its start (with the onset pre-roll): the decoder gets all of it.
    if (detector_->in_turn()) {
      feed_user_turn(detector_->turn_audio());
    }
  }
  emit(SpeechStarted{user_->id, audio_ms});
  set_state(AgentState::user_speaking, user_->id);
}

void SessionCore::feed_user_turn(std::vector<float> samples) {
  if (samples.empty() || !user_->transcriber) {
    return;
  }
  user_->fed_samples += samples.size();
  user_->transcriber->feed(std::move(samples));
}

void SessionCore::barge_in(double audio_ms) {
  begin_user_turn(audio_ms, UserTurnEvent::barge_in);
  pause_reply();
  const TurnId user_turn = user_->id;
  post_after(std::chrono::milliseconds(active_.turn_taking.false_interruption_timeout_ms),
             [user_turn](SessionCore& self) { self.resume_after_false_interruption(user_turn); });
  // Words decide whether this is an interruption: ask for them now rather than after 600 ms more speech.
  maybe_start_partial(true);
}

void SessionCore::on_words_heard(UserTurnEvent why) {
  if (!user_ || !user_->interrupting()) {
    return;
  }
  user_->machine.fire(why);
  if (reply_ && reply_->paused()) {
    finish_reply(ReplyStatus::interrupted);
  }
}

void SessionCore::drop_user_turn(UserTurnEvent why) {
  if (!user_->ended()) {
    detector_->discard_turn();
  }
  user_->machine.fire(why);
  user_->cancel_transcription();
  user_.reset();
  ++stt_generation_;
}

void SessionCore::resume_after_false_interruption(TurnId user_turn) {
  if (!user_ || user_->id != user_turn || !user_->interrupting() || !reply_ || !reply_->paused()) {
    return;
  }
  log::debug("false interruption: resuming the reply", {{"session_id", id_}, {"turn", reply_->turn}});
  drop_user_turn(UserTurnEvent::false_interruption);
  resume_reply();
}

void SessionCore::end_user_turn(TurnSignal& signal) {
  UserTurn& user = *user_;
  user.machine.fire(UserTurnEvent::turn_ended);
  user.user_audio_ms = std::max(0.0, signal.audio_ms - user.start_audio_ms);
  user.silence_ms = signal.silence_ms;
  user.speech_end_wall = signal.speech_end_wall;
  emit(SpeechStopped{user.id, signal.audio_ms});
  if (!user.transcriber) {
    fail_stt("no speech-to-text engine is configured");
    return;
  }
  // The end of the turn's audio (what arrived with this signal): the decoder has had exactly the turn then.
  if (user.fed_samples < signal.audio.size()) {
    feed_user_turn({signal.audio.begin() + static_cast<std::ptrdiff_t>(user.fed_samples), signal.audio.end()});
  }
  if (user.early && user.early->text) {
    user.transcriber->cancel();
    take_transcript(*user.early->text);
    return;
  }
  if (!user.early) {
    user.transcriber->finish(deliver_stt(SttKind::final));
  }
  // Otherwise the hypothesis from the speech's end is on its way and is the transcript.
  const TurnId turn = user.id;
  const std::uint64_t generation = stt_generation_;
  post_after(std::chrono::milliseconds(active_.stt_timeout_ms),
             [turn, generation](SessionCore& self) { self.on_stt_deadline(turn, generation, false); });
  post_after(std::chrono::milliseconds(active_.turn_taking.max_wait_ms),
             [turn, generation](SessionCore& self) { self.on_stt_deadline(turn, generation, true); });
}

void SessionCore::adopt_pending_speech() {
  const std::optional<PendingSpeech> pending = std::exchange(pending_speech_, std::nullopt);
  if (!pending || user_ || !detector_ || !detector_->in_turn()) {
    return;
  }
  if (!reply_) {
    begin_user_turn(pending->start_ms, UserTurnEvent::speech_began);
  } else if (pending->long_enough && active_.turn_taking.allow_interruptions) {
    barge_in(pending->start_ms);
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
