// The transcription half of SessionCore: partial, early and final transcripts and what they decide (the turn's
// text, a confirmed barge-in, a failed recognizer).
#include <chrono>
#include <exception>
#include <utility>

#include "session/session_core.h"
#include "session/session_turn_state.h"
#include "session/task_pool.h"
#include "stt/stt_engine.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::session {

namespace {

// A partial transcript is requested after this much more speech.
constexpr double kPartialEveryMs = 600;
// Partials need at least this much audio to say anything.
constexpr std::size_t kMinPartialSamples = stt::kSttSampleRateHz * 3 / 10;
// Decoding faster than this fraction of real time leaves room for partial transcripts.
constexpr double kFastSttRealTimeFactor = 0.5;

double ms_since(std::chrono::steady_clock::time_point from) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - from).count();
}

}  // namespace

void SessionCore::maybe_start_partial(bool force) {
  if (!user_ || user_->ended || user_->partial_in_flight || !engines_.stt || !detector_ || !detector_->in_speech()) {
    return;
  }
  // Partials are a luxury (only when decoding is fast and no other session waits for the recognizer), except
  // while they decide whether the user is interrupting.
  if (!force && !user_->interrupting && (!stt_fast_ || runtime_.stt_pool().queued() > 0)) {
    return;
  }
  const double now_ms = detector_->stream_ms();
  if (!force && now_ms - user_->last_partial_ms < kPartialEveryMs) {
    return;
  }
  std::vector<float> audio = detector_->turn_audio();
  if (audio.size() < kMinPartialSamples) {
    return;
  }
  user_->last_partial_ms = now_ms;
  start_stt(SttKind::partial, std::move(audio));
}

void SessionCore::start_stt(SttKind kind, std::vector<float> audio) {
  auto stop = std::make_shared<StopLink>(session_stop_.get_token());
  if (kind == SttKind::partial) {
    user_->partial_in_flight = true;
  } else {
    user_->stt_pending = true;
    user_->stt_stop = stop;
  }
  const TurnId turn = user_->id;
  const std::uint64_t generation = stt_generation_;
  const double audio_ms = static_cast<double>(audio.size()) * 1000.0 / stt::kSttSampleRateHz;
  const bool urgent = kind != SttKind::partial || user_->interrupting;  // a user (or the agent) waits for it
  submit(
      runtime_.stt_pool(),
      [kind, turn, generation, audio_ms, stop, audio = std::move(audio)](SessionCore& self) {
        const auto started = Clock::now();
        std::string text;
        std::string error;
        try {
          audio::AudioBuffer buffer{audio, stt::kSttSampleRateHz, 1};
          text = stt::trim(self.engines_.stt->transcribe(buffer, {}, stop->token()).text);
        } catch (const stt::Cancelled&) {
          error = "cancelled";
        } catch (const Error& e) {
          error = e.full_message();
        } catch (const std::exception& e) {
          error = e.what();
        }
        const double took_ms = ms_since(started);
        self.post([kind, turn, generation, audio_ms, took_ms, text = std::move(text),
                   error = std::move(error)](SessionCore& session) mutable {
          session.on_stt_result(turn, generation, kind, std::move(text), error, audio_ms, took_ms);
        });
      },
      urgent);
}

void SessionCore::on_stt_result(TurnId turn, std::uint64_t generation, SttKind kind, std::string text,
                                const std::string& error, double audio_ms, double took_ms) {
  if (error.empty() && audio_ms > 0) {
    stt_fast_ = took_ms / audio_ms < kFastSttRealTimeFactor;
  }
  log::debug("transcribed", {{"session_id", id_},
                             {"turn", turn},
                             {"kind", static_cast<int>(kind)},
                             {"audio_ms", audio_ms},
                             {"took_ms", took_ms},
                             {"error", error}});
  if (!user_ || user_->id != turn || user_->transcript_taken) {
    return;  // stale: that turn is over
  }
  UserTurn& user = *user_;
  if (kind == SttKind::partial) {
    user.partial_in_flight = false;
    if (error.empty() && !text.empty() && text != user.partial_text) {
      user.partial_text = text;
      emit(TranscriptPartial{turn, text});
      if (user.interrupting) {
        on_words_heard();
      }
    }
    maybe_start_partial();
    return;
  }
  if (generation != stt_generation_) {
    return;  // the user kept talking after this audio was cut: a newer transcription replaces it
  }
  user.stt_pending = false;
  if (!error.empty()) {
    if (error == "cancelled") {
      return;
    }
    if (user.ended) {
      fail_stt(error);
    }
    return;  // an early attempt failed: the end of the turn tries again
  }
  if (!user.ended) {
    user.early_done = true;
    user.early_text = text;
    if (user.interrupting && !text.empty()) {
      on_words_heard();
    }
    return;
  }
  take_transcript(std::move(text));
}

void SessionCore::on_stt_deadline(TurnId turn, std::uint64_t generation, bool max_wait) {
  if (!user_ || user_->id != turn || user_->transcript_taken || generation != stt_generation_) {
    return;
  }
  if (max_wait) {
    if (user_->partial_text.empty()) {
      return;  // nothing to answer yet: wait for the transcript up to stt_timeout_ms
    }
    if (user_->stt_stop) {
      user_->stt_stop->request_stop();
    }
    take_transcript(user_->partial_text);
    return;
  }
  if (user_->stt_stop) {
    user_->stt_stop->request_stop();
  }
  fail_stt("speech-to-text took longer than " + std::to_string(active_.stt_timeout_ms) + " ms");
}

void SessionCore::take_transcript(std::string text) {
  UserTurn& user = *user_;
  user.transcript_taken = true;
  text = stt::trim(std::move(text));
  if (user.interrupting) {
    if (text.empty()) {
      resume_after_false_interruption(user.id);
      return;
    }
    on_words_heard();
  }
  if (text.empty()) {
    // Nothing was said after all (noise): no reply, back to listening.
    const TurnId turn = user.id;
    user_.reset();
    if (!reply_) {
      set_state(AgentState::listening, turn);
    }
    adopt_pending_speech();
    return;
  }
  start_reply(user.id, text, true);
}

void SessionCore::fail_stt(const std::string& message) {
  UserTurn& user = *user_;
  log::warn("speech-to-text failed", {{"session_id", id_}, {"turn", user.id}, {"error", message}});
  emit(SessionError{user.id, "stt_failed", "speech-to-text failed: " + message,
                    "check the stt engine (localvoice doctor); the session goes on"});
  user.transcript_taken = true;
  if (user.interrupting) {
    resume_after_false_interruption(user.id);
    return;
  }
  const TurnId turn = user.id;
  user_.reset();
  start_canned_reply(turn, "Sorry, I didn't catch that.", ReplyStatus::failed);
}

}  // namespace lv::session
