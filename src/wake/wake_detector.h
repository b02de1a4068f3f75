// A wake-word stream: gathers PCM of any chunk size into frames, scores them and applies the trigger rules.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "wake/wake_engine.h"

namespace lv::wake {

// One per audio stream (not thread-safe).
class WakeDetector {
 public:
  WakeDetector(std::unique_ptr<WakeFrameScorer> scorer, WakeCapabilities capabilities, WakeOptions options);

  // Feeds 16 kHz mono samples of any length; returns the detections completed by them, in time order.
  std::vector<WakeDetection> push(std::span<const std::int16_t> samples);
  // Forgets all state (samples, model context, triggers); time restarts at 0.
  void reset();

  // Called with every scored frame (benchmarks and tests read the raw scores).
  void on_frame(std::function<void(const WakeFrame&)> observer) { observer_ = std::move(observer); }

  const std::vector<std::string>& words() const { return capabilities_.words; }
  const WakeOptions& options() const { return options_; }
  std::int64_t time_ms() const;  // audio consumed so far
  std::uint64_t frames() const { return frames_; }
  // The highest score each word reached since the last reset.
  const std::vector<float>& max_scores() const { return max_scores_; }

 private:
  void score_frame(std::vector<WakeDetection>& out);

  std::unique_ptr<WakeFrameScorer> scorer_;
  WakeCapabilities capabilities_;
  WakeOptions options_;
  std::function<void(const WakeFrame&)> observer_;
  std::vector<std::int16_t> pending_;  // samples of the frame being gathered
  std::uint64_t samples_ = 0;          // consumed since reset
  std::uint64_t frames_ = 0;
  std::vector<int> run_;                      // per word: consecutive frames at or above the threshold
  std::vector<std::int64_t> quiet_until_ms_;  // per word: end of the refractory period
  std::vector<float> max_scores_;
};

}  // namespace lv::wake
