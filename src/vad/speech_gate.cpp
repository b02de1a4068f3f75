#include "vad/speech_gate.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>

#include "audio/pcm.h"
#include "util/clock.h"

namespace lv::vad {

namespace {
// Silero's reference post-processing ends speech below threshold - 0.15; the same margin suits energy scores.
constexpr float kReleaseMargin = 0.15F;
constexpr std::size_t kLevelHistoryFrames = 16;
// Frames this far below the segment's loudest frame (or below the absolute floor) are taken as past its end.
constexpr double kEndDropDb = 35.0;
constexpr double kEndFloorDbfs = -60.0;
}  // namespace

SpeechGate::SpeechGate(const VadOptions& options, double frame_s)
    : options_(options), frame_s_(frame_s), release_threshold_(std::max(0.01F, options.threshold - kReleaseMargin)) {}

std::optional<VadEvent> SpeechGate::update(float probability, double frame_start_s) {
  const double frame_end_s = frame_start_s + frame_s_;
  const double pad_s = options_.speech_pad_ms / 1000.0;
  if (!in_speech_) {
    if (probability >= options_.threshold) {
      if (!candidate_start_s_) {
        candidate_start_s_ = frame_start_s;
        candidate_max_probability_ = 0.0F;
      }
      candidate_max_probability_ = std::max(candidate_max_probability_, probability);
      if ((frame_end_s - *candidate_start_s_) * 1000.0 >= options_.min_speech_ms) {
        in_speech_ = true;
        silence_start_s_.reset();
        const double start_s = std::max({0.0, last_end_s_, *candidate_start_s_ - pad_s});
        candidate_start_s_.reset();
        return VadEvent{VadEventType::speech_start, start_s, candidate_max_probability_};
      }
    } else if (probability < release_threshold_) {
      candidate_start_s_.reset();
    }
    return std::nullopt;
  }
  if (probability >= options_.threshold) {
    silence_start_s_.reset();
    return std::nullopt;
  }
  if (probability < release_threshold_ && !silence_start_s_) {
    silence_start_s_ = frame_start_s;
  }
  if (silence_start_s_ && (frame_end_s - *silence_start_s_) * 1000.0 >= options_.min_silence_ms) {
    in_speech_ = false;
    last_end_s_ = std::min(frame_end_s, *silence_start_s_ + pad_s);
    silence_start_s_.reset();
    return VadEvent{VadEventType::speech_end, last_end_s_, probability};
  }
  return std::nullopt;
}

std::optional<VadEvent> SpeechGate::finish(double end_of_audio_s) {
  candidate_start_s_.reset();
  if (!in_speech_) {
    return std::nullopt;
  }
  in_speech_ = false;
  const double pad_s = options_.speech_pad_ms / 1000.0;
  last_end_s_ = silence_start_s_ ? std::min(end_of_audio_s, *silence_start_s_ + pad_s) : end_of_audio_s;
  silence_start_s_.reset();
  return VadEvent{VadEventType::speech_end, last_end_s_, 0.0F};
}

void SpeechGate::reset() {
  in_speech_ = false;
  candidate_start_s_.reset();
  silence_start_s_.reset();
  last_end_s_ = 0.0;
}

FrameVadStream::FrameVadStream(std::unique_ptr<FrameScorer> scorer, std::size_t frame_samples,
                               const VadOptions& options)
    : scorer_(std::move(scorer)),
      chunker_(frame_samples),
      gate_(options, static_cast<double>(frame_samples) / kVadSampleRateHz),
      options_(options) {}

// A recurrent detector keeps a high probability for 100-150 ms after the voice stops, so its speech_end lands
// late. The frame levels say where the energy fell away: the end moves back to the last frame that was still
// within kEndDropDb of the segment's loudest frame (never later than the detector's own end).
double FrameVadStream::refined_end_s(const VadEvent& end) const {
  const double frame_s = static_cast<double>(chunker_.frame_samples()) / kVadSampleRateHz;
  const double pad_s = options_.speech_pad_ms / 1000.0;
  const double limit_dbfs = std::max(segment_peak_dbfs_ - kEndDropDb, kEndFloorDbfs);
  for (auto it = recent_levels_.rbegin(); it != recent_levels_.rend(); ++it) {
    if (it->start_s + frame_s > end.time_s) {
      continue;
    }
    if (it->level_dbfs >= limit_dbfs) {
      return std::min(end.time_s, it->start_s + frame_s + pad_s);
    }
  }
  return end.time_s;
}

void FrameVadStream::on_frame(std::span<const float> frame, std::vector<VadEvent>& events) {
  const auto start = std::chrono::steady_clock::now();
  last_probability_ = scorer_->score(frame);
  timings_.compute_ms += util::ms_since(start);
  ++timings_.frames;
  const double frame_start_s = static_cast<double>(frames_done_ * chunker_.frame_samples()) / kVadSampleRateHz;
  ++frames_done_;
  double level = audio::rms_dbfs(frame);
  level = std::isfinite(level) ? level : -200.0;
  recent_levels_.push_back(FrameLevel{frame_start_s, level});
  if (recent_levels_.size() > kLevelHistoryFrames) {
    recent_levels_.pop_front();
  }
  const bool was_in_speech = gate_.in_speech();
  if (auto event = gate_.update(last_probability_, frame_start_s)) {
    if (event->type == VadEventType::speech_end) {
      event->time_s = refined_end_s(*event);
    }
    events.push_back(*event);
  }
  if (gate_.in_speech()) {
    if (!was_in_speech) {
      segment_peak_dbfs_ = -200.0;
      for (const auto& recent : recent_levels_) {
        segment_peak_dbfs_ = std::max(segment_peak_dbfs_, recent.level_dbfs);
      }
    }
    segment_peak_dbfs_ = std::max(segment_peak_dbfs_, level);
  }
}

std::vector<VadEvent> FrameVadStream::push(std::span<const float> samples) {
  std::vector<VadEvent> events;
  samples_pushed_ += samples.size();
  chunker_.push(samples, [&](std::span<const float> frame) { on_frame(frame, events); });
  return events;
}

std::vector<VadEvent> FrameVadStream::flush() {
  std::vector<VadEvent> events;
  chunker_.flush([&](std::span<const float> frame) { on_frame(frame, events); });
  if (auto event = gate_.finish(time_s())) {
    event->time_s = refined_end_s(*event);
    events.push_back(*event);
  }
  return events;
}

void FrameVadStream::reset() {
  scorer_->reset();
  gate_.reset();
  chunker_ = audio::FrameChunker(chunker_.frame_samples());
  frames_done_ = 0;
  samples_pushed_ = 0;
  last_probability_ = 0.0F;
  recent_levels_.clear();
  segment_peak_dbfs_ = -200.0;
}

double FrameVadStream::time_s() const { return static_cast<double>(samples_pushed_) / kVadSampleRateHz; }

}  // namespace lv::vad
