#include "session/synthesize_stage.h"

#include <exception>
#include <utility>

#include "session/task_pool.h"
#include "tts/text_normalizer.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::session {

namespace {

constexpr const char* kTtsFix = "check the tts engine (localvoice doctor); replies arrive as text meanwhile";

}  // namespace

SynthesizeStage::SynthesizeStage(ReplyHost& host, tts::TtsEnginePtr tts, TaskPool& pool)
    : host_(host), tts_(std::move(tts)), pool_(pool) {}

void SynthesizeStage::begin(ReplyTurn& reply) {
  turn_ = reply.turn;
  stop_ = std::make_shared<StopLink>(host_.session_stop());
  queue_.clear();
  at_engine_.reset();
  handed_ = 0;
  input_ended_ = false;
  failed_ = false;
  // The voice (and so the engine's rate) may change between replies.
  const SessionOptions& options = host_.settings();
  const int engine_rate_hz = tts_->sample_rate_hz(options.voice);
  resampler_ = engine_rate_hz == options.output_sample_rate_hz
                   ? nullptr
                   : std::make_shared<audio::Resampler>(engine_rate_hz, options.output_sample_rate_hz);
}

void SynthesizeStage::push_text(ReplyTurn& reply, std::string_view sentence) {
  if (failed_) {
    return;
  }
  queue_.emplace_back(sentence);
  pump(reply);
}

void SynthesizeStage::end(ReplyTurn& reply) {
  input_ended_ = true;
  maybe_end(reply);
}

void SynthesizeStage::maybe_end(ReplyTurn& reply) {
  // A failed engine is not waited for: its late audio is dropped.
  if (input_ended_ && (failed_ || (!at_engine_ && queue_.empty()))) {
    next_->end(reply);
  }
}

void SynthesizeStage::pump(ReplyTurn& reply) {
  if (at_engine_ || failed_ || queue_.empty()) {
    return;
  }
  std::string sentence = std::move(queue_.front());
  queue_.pop_front();
  const std::uint64_t index = handed_++;
  at_engine_ = index;
  const TurnId turn = reply.turn;
  next_->push_text(reply, sentence);  // the audio that follows belongs to this sentence
  host_.on_pool(pool_, [this, turn, index, sentence = std::move(sentence), stop = stop_, resampler = resampler_,
                        voice = host_.settings().voice] {
    const auto handed_at = util::SteadyClock::now();
    double first_audio_ms = -1;
    std::string error;
    const auto forward = [&](std::vector<float> samples) {
      if (samples.empty()) {
        return;
      }
      if (first_audio_ms < 0) {
        first_audio_ms = util::ms_since(handed_at);
      }
      host_.on_strand([this, turn, index, first_audio_ms, samples = std::move(samples)]() mutable {
        on_audio(turn, index, std::move(samples), first_audio_ms);
      });
    };
    try {
      const std::string spoken = tts::normalize_for_speech(sentence);
      tts::SynthesisOptions options;
      options.voice = voice;
      tts_->synthesize(
          spoken, options,
          [&](std::span<const float> samples) {
            forward(resampler ? resampler->process(samples) : std::vector<float>(samples.begin(), samples.end()));
            return !stop->token().stop_requested();
          },
          stop->token());
      if (resampler) {
        forward(resampler->flush());
      }
    } catch (const Error& e) {
      error = e.full_message();
    } catch (const std::exception& e) {
      error = e.what();
    }
    host_.on_strand([this, turn, index, error = std::move(error)] { on_sentence_done(turn, index, error); });
  });
  host_.on_strand_after(std::chrono::milliseconds(host_.settings().tts_timeout_ms),
                        [this, turn, index] { on_deadline(turn, index); });
}

void SynthesizeStage::on_audio(TurnId turn, std::uint64_t sentence, std::vector<float> samples, double first_audio_ms) {
  ReplyTurn* reply = host_.reply_of(turn);
  if (reply == nullptr || failed_) {
    return;
  }
  if (sentence == 0 && reply->metrics.tts_first_audio_ms < 0) {
    reply->metrics.tts_first_audio_ms = first_audio_ms;
  }
  next_->push_audio(*reply, samples, false);
}

void SynthesizeStage::on_sentence_done(TurnId turn, std::uint64_t sentence, const std::string& error) {
  ReplyTurn* reply = host_.reply_of(turn);
  if (reply == nullptr || at_engine_ != sentence) {
    return;
  }
  at_engine_.reset();
  if (!error.empty() && !failed_) {
    failed_ = true;
    queue_.clear();
    log::warn("text-to-speech failed; the reply goes on as text",
              {{"session_id", host_.session_id()}, {"error", error}});
    host_.send(SessionError{turn, "tts_failed", "text-to-speech failed: " + error, kTtsFix});
  }
  next_->push_audio(*reply, {}, true);
  pump(*reply);
  maybe_end(*reply);
}

void SynthesizeStage::on_deadline(TurnId turn, std::uint64_t sentence) {
  ReplyTurn* reply = host_.reply_of(turn);
  if (reply == nullptr || at_engine_ != sentence || failed_) {
    return;
  }
  failed_ = true;
  queue_.clear();
  stop_->request_stop();
  host_.send(SessionError{
      turn, "tts_failed",
      "text-to-speech took longer than " + std::to_string(host_.settings().tts_timeout_ms) + " ms for a sentence",
      kTtsFix});
}

void SynthesizeStage::cancel(TurnId turn) {
  if (stop_ && turn == turn_) {
    stop_->request_stop();
  }
}

}  // namespace lv::session
