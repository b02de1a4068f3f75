// The reply's sentences spoken by the TTS engine, one at a time on the tts pool and in order, resampled to the
// session's output rate; a failed or slow engine turns the rest of the reply into text only.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audio/resampler.h"
#include "session/reply_stage.h"
#include "session/stop_link.h"
#include "tts/tts_engine.h"

namespace lv::session {

class SynthesizeStage final : public ReplyStage {
 public:
  SynthesizeStage(ReplyHost& host, tts::TtsEnginePtr tts, TaskPool& pool);

  std::string_view name() const override { return "synthesize"; }
  void begin(ReplyTurn& reply) override;
  void push_text(ReplyTurn& reply, std::string_view sentence) override;
  void end(ReplyTurn& reply) override;
  void cancel(TurnId turn) override;

  // Whether the engine failed during this reply (the rest of it is text only).
  bool failed() const { return failed_; }

 private:
  void pump(ReplyTurn& reply);
  void on_audio(TurnId turn, std::uint64_t sentence, std::vector<float> samples, double first_audio_ms);
  void on_sentence_done(TurnId turn, std::uint64_t sentence, const std::string& error);
  void on_deadline(TurnId turn, std::uint64_t sentence);
  void maybe_end(ReplyTurn& reply);

  ReplyHost& host_;
  tts::TtsEnginePtr tts_;
  TaskPool& pool_;

  TurnId turn_ = 0;
  StopLinkPtr stop_;
  std::shared_ptr<audio::Resampler> resampler_;  // null when the engine speaks at the output rate
  std::deque<std::string> queue_;                // sentences waiting for the engine
  std::optional<std::uint64_t> at_engine_;       // the sentence being spoken
  std::uint64_t handed_ = 0;                     // sentences handed to the engine this reply
  bool input_ended_ = false;
  bool failed_ = false;
};

}  // namespace lv::session
