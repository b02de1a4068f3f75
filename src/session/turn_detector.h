// Turn-taking on one input stream: VAD events become confirmed speech, pauses, long speech (barge-in) and the
// end of the user's turn, and the turn's audio is kept for transcription.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <vector>

#include "session/voice_session.h"
#include "vad/vad_engine.h"

namespace lv::session {

struct TurnSignal {
  enum class Type {
    speech_began,    // speech lasted min_speech_ms: a user turn has begun (audio_ms: its padded start)
    speech_long,     // the current stretch of speech lasted min_interruption_ms (audio_ms: its start)
    speech_paused,   // the VAD heard the speech end; the turn may still go on (audio_ms: end of speech)
    speech_resumed,  // speech again before the turn ended
    turn_ended,      // end_of_turn_silence_ms of silence (or a commit): `audio` holds the turn
    noise_ignored,   // a sound shorter than min_speech_ms
  };
  Type type = Type::speech_began;
  double audio_ms = 0;
  // Wall time at which the last speech audio arrived (speech_paused and turn_ended).
  std::chrono::steady_clock::time_point speech_end_wall{};
  double silence_ms = 0;     // turn_ended: the silence waited for
  std::vector<float> audio;  // turn_ended: 16 kHz audio from the start of speech to the end of the turn
};

class TurnDetector {
 public:
  using Clock = std::chrono::steady_clock;

  // `threshold`: the VAD probability at which a frame is voiced (its options' threshold).
  TurnDetector(std::unique_ptr<vad::VadStream> vad, TurnTakingOptions options, float threshold = 0.5F);

  // Feeds 16 kHz mono audio that arrived at `arrival`.
  std::vector<TurnSignal> push(std::span<const float> samples, Clock::time_point arrival);
  // Ends a turn in progress now (push-to-talk released); nothing when no speech was heard.
  std::vector<TurnSignal> commit(Clock::time_point now);
  // Ends a paused turn when input audio stopped arriving (a client that sends nothing while silent).
  std::vector<TurnSignal> check_stalled_input(Clock::time_point now);
  // Forgets the turn in progress; the rest of the current stretch of speech is ignored.
  void discard_turn();
  void set_options(const TurnTakingOptions& options) { options_ = options; }

  bool in_turn() const { return phase_ == Phase::speaking || phase_ == Phase::paused; }
  bool in_speech() const { return phase_ == Phase::speaking; }
  // Audio of the turn so far, and the part of it from sample `offset` of the turn on (what a recognizer fed
  // as the turn goes on has not had yet).
  std::vector<float> turn_audio() const { return turn_audio_from(0); }
  std::vector<float> turn_audio_from(std::size_t offset) const;
  double stream_ms() const;
  Clock::time_point last_arrival() const { return last_arrival_; }

 private:
  enum class Phase { idle, candidate, speaking, paused, ignoring };
  std::int64_t sample_at(double ms) const;
  TurnSignal end_turn(double end_ms, Clock::time_point speech_end_wall, double silence_ms);
  void trim_history();

  std::unique_ptr<vad::VadStream> vad_;
  TurnTakingOptions options_;
  Phase phase_ = Phase::idle;
  std::deque<float> history_;
  std::int64_t history_start_ = 0;  // absolute sample index of history_.front()
  std::int64_t total_samples_ = 0;
  std::int64_t turn_start_ = 0;
  double segment_start_ms_ = 0;
  double speech_end_ms_ = 0;
  Clock::time_point speech_end_wall_{};
  Clock::time_point last_arrival_{};
  bool long_reported_ = false;
  float threshold_;
  double last_voiced_ms_ = 0;  // end of the last voiced audio: the VAD stays "in speech" through its hangover
};

}  // namespace lv::session
