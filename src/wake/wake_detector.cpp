#include "wake/wake_detector.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace lv::wake {

WakeDetector::WakeDetector(std::unique_ptr<WakeFrameScorer> scorer, WakeCapabilities capabilities, WakeOptions options)
    : scorer_(std::move(scorer)), capabilities_(std::move(capabilities)), options_(options) {
  if (!scorer_ || capabilities_.frame_samples == 0) {
    throw std::logic_error("a wake detector needs a scorer and a frame size");
  }
  pending_.reserve(capabilities_.frame_samples);
  reset();
}

void WakeDetector::reset() {
  scorer_->reset();
  pending_.clear();
  samples_ = 0;
  frames_ = 0;
  const std::size_t words = capabilities_.words.size();
  run_.assign(words, 0);
  quiet_until_ms_.assign(words, std::numeric_limits<std::int64_t>::min());
  max_scores_.assign(words, 0.0F);
}

std::int64_t WakeDetector::time_ms() const { return static_cast<std::int64_t>(samples_ * 1000 / kWakeSampleRateHz); }

std::vector<WakeDetection> WakeDetector::push(std::span<const std::int16_t> samples) {
  std::vector<WakeDetection> out;
  const std::size_t frame = capabilities_.frame_samples;
  while (!samples.empty()) {
    const std::size_t take = std::min(frame - pending_.size(), samples.size());
    pending_.insert(pending_.end(), samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(take));
    samples = samples.subspan(take);
    samples_ += take;
    if (pending_.size() == frame) {
      score_frame(out);
      pending_.clear();
    }
  }
  return out;
}

void WakeDetector::score_frame(std::vector<WakeDetection>& out) {
  WakeFrame scored{time_ms(), scorer_->score(pending_)};
  ++frames_;
  if (scored.scores.size() != capabilities_.words.size()) {
    throw std::logic_error("a wake scorer returned the wrong number of scores");
  }
  for (std::size_t i = 0; i < scored.scores.size(); ++i) {
    const float score = scored.scores[i];
    max_scores_[i] = std::max(max_scores_[i], score);
    run_[i] = score >= options_.threshold ? run_[i] + 1 : 0;
    // One utterance keeps the score high for several frames: the refractory period makes it one detection.
    if (run_[i] >= options_.trigger_level && scored.end_ms >= quiet_until_ms_[i]) {
      out.push_back({capabilities_.words[i], score, scored.end_ms});
      quiet_until_ms_[i] = scored.end_ms + options_.refractory_ms;
      run_[i] = 0;
    }
  }
  if (observer_) {
    observer_(scored);
  }
}

}  // namespace lv::wake
