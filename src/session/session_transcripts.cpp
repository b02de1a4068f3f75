// The transcription half of SessionCore: partial, early and final transcripts of the user turn's decoder and what
// they decide (the turn's text, a confirmed or false barge-in, a failed recognizer).
#include <chrono>
#include <utility>

#include "session/session_core.h"
#include "session/task_pool.h"
#include "stt/stt_engine.h"
#include "util/log.h"
#include "util/text.h"

namespace lv::session {

namespace {

// A partial transcript is requested after this much more speech.
constexpr double kPartialEveryMs = 600;
// Partials need at least this much audio to say anything.
constexpr std::size_t kMinPartialSamples = stt::kSttSampleRateHz * 3 / 10;
// Decoding faster than this fraction of real time leaves room for partial transcripts.
constexpr double kFastSttRealTimeFactor = 0.5;

}  // namespace

void SessionCore::maybe_start_partial(bool force) {
  if (!user_ || user_->ended() || user_->partial_in_flight || !user_->transcriber || !detector_) {
    return;
  }
  // While words decide a barge-in, the decoder is asked again as soon as it has heard more (a streaming decoder
  // says nothing until it has heard enough to start): the agent is paused meanwhile.
  const bool deciding = force || user_->interrupting();
  if (deciding) {
    if (!detector_->in_turn() || user_->fed_samples <= user_->partial_fed_samples) {
      return;
    }
  } else {
    // Otherwise partials are a luxury: one per ~600 ms of speech, only when decoding is fast and no other
    // session waits for the recognizer (this turn's own audio on its way to the decoder does not count).
    const std::size_t queued = runtime_.stt_pool().queued();
    const std::size_t own = user_->transcriber->idle() ? 0 : 1;
    const std::size_t others_queued = queued > own ? queued - own : 0;
    if (!detector_->in_speech() || !stt_fast_ || others_queued > 0 ||
        detector_->stream_ms() - user_->last_partial_ms < kPartialEveryMs) {
      return;
    }
  }
  if (user_->fed_samples < kMinPartialSamples) {
    return;
  }
  user_->last_partial_ms = detector_->stream_ms();
  user_->partial_fed_samples = user_->fed_samples;
  user_->partial_in_flight = true;
  // A user (or the agent, paused) waits for the words of a barge-in.
  user_->transcriber->partial(deliver_stt(SttKind::partial), deciding);
}

void SessionCore::start_early_transcript() {
  UserTurn& user = *user_;
  // A batch decoder starts decoding now; a streaming one has heard the turn already (it declines).
  if (!user.transcriber || user.early) {
    return;
  }
  user.early = UserTurn::Early{stt_generation_, user.transcriber->request_stop(), std::nullopt};
  user.transcriber->early(deliver_stt(SttKind::early), user.early->stop);
}

TurnTranscriber::Done SessionCore::deliver_stt(SttKind kind) {
  const TurnId turn = user_->id;
  const std::uint64_t generation = stt_generation_;
  std::weak_ptr<SessionCore> weak = weak_from_this();
  return [weak, kind, turn, generation](TurnTranscriber::Result result) {
    if (auto self = weak.lock()) {
      self->post([kind, turn, generation, result = std::move(result)](SessionCore& session) mutable {
        session.on_stt_result(turn, generation, kind, std::move(result));
      });
    }
  };
}

void SessionCore::on_stt_result(TurnId turn, std::uint64_t generation, SttKind kind, TurnTranscriber::Result result) {
  if (result.error.empty() && result.audio_ms > 0 && kind != SttKind::final) {
    stt_fast_ = result.took_ms / result.audio_ms < kFastSttRealTimeFactor;
  }
  log::debug("transcribed", {{"session_id", id_},
                             {"turn", turn},
                             {"kind", static_cast<int>(kind)},
                             {"audio_ms", result.audio_ms},
                             {"took_ms", result.took_ms},
                             {"error", result.error}});
  if (!user_ || user_->id != turn || user_->over()) {
    return;  // stale: that turn is over
  }
  UserTurn& user = *user_;
  std::string& text = result.text;
  const std::string& error = result.error;
  if (kind == SttKind::partial) {
    user.partial_in_flight = false;
    if (error.empty() && !text.empty() && text != user.partial_text) {
      user.partial_text = text;
      emit(TranscriptPartial{turn, text});
      on_words_heard(UserTurnEvent::words_heard);
    }
    maybe_start_partial();
    return;
  }
  if (generation != stt_generation_) {
    return;  // the user kept talking after this audio was cut: a newer transcription replaces it
  }
  if (kind == SttKind::early) {
    if (result.declined) {
      user.early.reset();  // finish() at the end of the turn is quick
      if (user.ended()) {
        user.transcriber->finish(deliver_stt(SttKind::final));
      }
      return;
    }
    if (!error.empty()) {
      user.early.reset();  // the end of the turn asks the decoder again
      if (error != "cancelled" && user.ended()) {
        fail_stt(error);
      }
      return;
    }
    if (!user.ended()) {
      user.early->text = text;
      if (!text.empty()) {
        on_words_heard(UserTurnEvent::words_heard);
      }
      return;
    }
  } else if (!error.empty()) {
    if (error != "cancelled") {
      fail_stt(error);
    }
    return;
  }
  take_transcript(std::move(text));
}

void SessionCore::on_stt_deadline(TurnId turn, std::uint64_t generation, bool max_wait) {
  if (!user_ || user_->id != turn || user_->over() || generation != stt_generation_) {
    return;
  }
  if (max_wait && user_->partial_text.empty()) {
    return;  // nothing to answer yet: wait for the transcript up to stt_timeout_ms
  }
  user_->cancel_transcription();
  if (max_wait) {
    take_transcript(user_->partial_text);
    return;
  }
  fail_stt("speech-to-text took longer than " + std::to_string(active_.stt_timeout_ms) + " ms");
}

void SessionCore::take_transcript(std::string text) {
  text = util::trim(std::move(text));
  if (user_->interrupting()) {
    if (text.empty()) {
      drop_user_turn(UserTurnEvent::no_words);  // a false interruption after all
      if (reply_ && reply_->paused()) {
        resume_reply();
      }
      return;
    }
    on_words_heard(UserTurnEvent::words_heard);
  }
  UserTurn& user = *user_;
  user.cancel_transcription();  // nothing more is wanted of this turn's decoder
  if (text.empty()) {
    // Nothing was said after all (noise): no reply, back to listening.
    const TurnId turn = user.id;
    drop_user_turn(UserTurnEvent::no_words);
    if (!reply_) {
      set_state(AgentState::listening, turn);
    }
    adopt_pending_speech();
    return;
  }
  user.machine.fire(UserTurnEvent::transcript);
  start_reply(user.id, text, true);
}

void SessionCore::fail_stt(const std::string& message) {
  const TurnId turn = user_->id;
  const bool interrupting = user_->interrupting();
  log::warn("speech-to-text failed", {{"session_id", id_}, {"turn", turn}, {"error", message}});
  emit(SessionError{turn, "stt_failed", "speech-to-text failed: " + message,
                    "check the stt engine (localvoice doctor); the session goes on"});
  drop_user_turn(UserTurnEvent::stt_failed);
  if (interrupting) {
    if (reply_ && reply_->paused()) {
      resume_reply();  // nothing was understood: the agent goes on
    }
    return;
  }
  start_canned_reply(turn, "Sorry, I didn't catch that.", ReplyStatus::failed);
}

}  // namespace lv::session
