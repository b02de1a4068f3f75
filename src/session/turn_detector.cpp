#include "session/turn_detector.h"
#include "util/clock.h"

#include <algorithm>
#include <utility>

namespace lv::session {

namespace {

constexpr double kSamplesPerMs = vad::kVadSampleRateHz / 1000.0;
// Audio kept before speech starts: the VAD reports a start up to its own min_speech_ms (plus padding) late.
constexpr std::int64_t kPreRollSamples = vad::kVadSampleRateHz * 3 / 2;
// Audio before the VAD's speech start that the turn keeps: a detector fires on the first loud frame, after
// soft onsets (h, f, s) have begun, and the recognizer needs a little silence to place the first word.
constexpr double kOnsetPreRollMs = 250;
// How long input must have stopped arriving before a paused turn is ended on the wall clock alone.
constexpr double kStalledInputMs = 100;

}  // namespace

TurnDetector::TurnDetector(std::unique_ptr<vad::VadStream> vad, TurnTakingOptions options, float threshold)
    : vad_(std::move(vad)), options_(options), threshold_(threshold) {}

double TurnDetector::stream_ms() const { return static_cast<double>(total_samples_) / kSamplesPerMs; }

std::int64_t TurnDetector::sample_at(double ms) const {
  return std::clamp(static_cast<std::int64_t>(ms * kSamplesPerMs), history_start_, total_samples_);
}

std::vector<float> TurnDetector::turn_audio_from(std::size_t offset) const {
  const auto from = static_cast<std::size_t>(std::max<std::int64_t>(0, turn_start_ - history_start_)) + offset;
  if (from >= history_.size()) {
    return {};
  }
  return {history_.begin() + static_cast<std::ptrdiff_t>(from), history_.end()};
}

void TurnDetector::trim_history() {
  // Inside a turn everything from its start is kept; otherwise only the pre-roll.
  const std::int64_t keep_from = (phase_ == Phase::idle || phase_ == Phase::ignoring)
                                     ? total_samples_ - kPreRollSamples
                                     : std::min(turn_start_, total_samples_ - kPreRollSamples);
  while (history_start_ < keep_from && !history_.empty()) {
    history_.pop_front();
    ++history_start_;
  }
}

TurnSignal TurnDetector::end_turn(double end_ms, Clock::time_point speech_end_wall, double silence_ms) {
  TurnSignal signal;
  signal.type = TurnSignal::Type::turn_ended;
  signal.audio_ms = end_ms;
  signal.speech_end_wall = speech_end_wall;
  signal.silence_ms = silence_ms;
  signal.audio = turn_audio();
  phase_ = vad_->in_speech() ? Phase::ignoring : Phase::idle;
  trim_history();
  return signal;
}

std::vector<TurnSignal> TurnDetector::push(std::span<const float> samples, Clock::time_point arrival) {
  std::vector<TurnSignal> out;
  history_.insert(history_.end(), samples.begin(), samples.end());
  total_samples_ += static_cast<std::int64_t>(samples.size());
  last_arrival_ = arrival;
  const double now_ms = stream_ms();
  // Wall time of a stream position inside this chunk (the chunk's last sample arrived at `arrival`).
  const auto wall_at = [&](double ms) {
    return arrival - std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double, std::milli>(std::max(0.0, now_ms - ms)));
  };

  const auto events = vad_->push(samples);
  if (vad_->last_probability() >= threshold_) {
    last_voiced_ms_ = now_ms;
  }
  for (const auto& event : events) {
    const double at_ms = event.time_s * 1000.0;
    if (event.type == vad::VadEventType::speech_start) {
      segment_start_ms_ = at_ms;
      long_reported_ = false;
      if (phase_ == Phase::idle) {
        phase_ = Phase::candidate;
        turn_start_ = sample_at(at_ms - kOnsetPreRollMs);
      } else if (phase_ == Phase::paused) {
        phase_ = Phase::speaking;
        out.push_back({TurnSignal::Type::speech_resumed, at_ms, {}, 0, {}});
      }
      continue;
    }
    // speech_end
    if (phase_ == Phase::candidate) {
      if (std::min(at_ms, last_voiced_ms_) - segment_start_ms_ >= options_.min_speech_ms) {
        out.push_back({TurnSignal::Type::speech_began, segment_start_ms_, {}, 0, {}});
        phase_ = Phase::speaking;
      } else {
        out.push_back({TurnSignal::Type::noise_ignored, segment_start_ms_, {}, 0, {}});
        phase_ = Phase::idle;
        continue;
      }
    }
    if (phase_ == Phase::speaking) {
      phase_ = Phase::paused;
      speech_end_ms_ = at_ms;
      speech_end_wall_ = wall_at(at_ms);
      out.push_back({TurnSignal::Type::speech_paused, at_ms, speech_end_wall_, 0, {}});
    } else if (phase_ == Phase::ignoring) {
      phase_ = Phase::idle;
    }
  }

  if (vad_->in_speech()) {
    // Durations count voiced audio only, not the VAD's hangover after the sound stopped (a cough stays short).
    const double voiced_ms = last_voiced_ms_ - segment_start_ms_;
    if (phase_ == Phase::candidate && voiced_ms >= options_.min_speech_ms) {
      phase_ = Phase::speaking;
      out.push_back({TurnSignal::Type::speech_began, segment_start_ms_, {}, 0, {}});
    }
    if (phase_ == Phase::speaking && !long_reported_ && voiced_ms >= options_.min_interruption_ms) {
      long_reported_ = true;
      out.push_back({TurnSignal::Type::speech_long, segment_start_ms_, {}, 0, {}});
    }
  }
  // Silence is counted from the last voiced audio too: speech that resumes is voiced well before the VAD
  // confirms it, and the turn must not end under the user's next words.
  const double silence_ms = now_ms - std::max(speech_end_ms_, last_voiced_ms_);
  if (phase_ == Phase::paused && silence_ms >= options_.end_of_turn_silence_ms) {
    out.push_back(end_turn(speech_end_ms_, speech_end_wall_, now_ms - speech_end_ms_));
  }
  trim_history();
  return out;
}

std::vector<TurnSignal> TurnDetector::commit(Clock::time_point now) {
  std::vector<TurnSignal> out;
  if (phase_ == Phase::idle || phase_ == Phase::ignoring) {
    return out;
  }
  if (phase_ == Phase::candidate) {
    out.push_back({TurnSignal::Type::speech_began, segment_start_ms_, {}, 0, {}});
  }
  const bool paused = phase_ == Phase::paused;
  const double end_ms = paused ? speech_end_ms_ : stream_ms();
  const auto end_wall = paused ? speech_end_wall_ : (last_arrival_ == Clock::time_point{} ? now : last_arrival_);
  out.push_back(end_turn(end_ms, end_wall, paused ? stream_ms() - speech_end_ms_ : 0));
  return out;
}

std::vector<TurnSignal> TurnDetector::check_stalled_input(Clock::time_point now) {
  std::vector<TurnSignal> out;
  if (phase_ != Phase::paused) {
    return out;
  }
  const double waited_ms = util::ms_between(speech_end_wall_, now);
  if (waited_ms >= options_.end_of_turn_silence_ms && util::ms_between(last_arrival_, now) >= kStalledInputMs) {
    out.push_back(end_turn(speech_end_ms_, speech_end_wall_, waited_ms));
  }
  return out;
}

void TurnDetector::discard_turn() {
  phase_ = vad_->in_speech() ? Phase::ignoring : Phase::idle;
  trim_history();
}

}  // namespace lv::session
