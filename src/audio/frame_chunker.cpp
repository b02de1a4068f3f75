#include "audio/frame_chunker.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "util/error.h"

namespace lv::audio {

FrameChunker::FrameChunker(std::size_t frame_samples) : frame_samples_(frame_samples) {
  if (frame_samples == 0) {
    throw Error("frame size is 0 samples", "use a frame of at least one sample, e.g. 20 ms");
  }
  pending_.reserve(frame_samples);
}

std::size_t FrameChunker::frame_samples_for(int sample_rate_hz, int frame_ms) {
  if (sample_rate_hz <= 0 || frame_ms <= 0) {
    throw Error("invalid frame size: " + std::to_string(frame_ms) + " ms at " + std::to_string(sample_rate_hz) + " Hz",
                "use a positive sample rate and frame duration, e.g. 20 ms at 16000 Hz");
  }
  // Rounded to the nearest sample: 32 ms at 22050 Hz is 705.6 samples -> 706.
  const std::int64_t product = std::int64_t{sample_rate_hz} * frame_ms;
  return static_cast<std::size_t>(std::max<std::int64_t>(1, (product + 500) / 1000));
}

void FrameChunker::push(std::span<const float> samples, const std::function<void(std::span<const float>)>& on_frame) {
  if (!pending_.empty()) {
    const std::size_t needed = frame_samples_ - pending_.size();
    const std::size_t take = std::min(needed, samples.size());
    pending_.insert(pending_.end(), samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(take));
    samples = samples.subspan(take);
    if (pending_.size() < frame_samples_) {
      return;
    }
    on_frame(pending_);
    pending_.clear();
  }
  // Whole frames go straight from the caller's memory: no copy on the common path.
  while (samples.size() >= frame_samples_) {
    on_frame(samples.first(frame_samples_));
    samples = samples.subspan(frame_samples_);
  }
  pending_.assign(samples.begin(), samples.end());
}

bool FrameChunker::flush(const std::function<void(std::span<const float>)>& on_frame) {
  if (pending_.empty()) {
    return false;
  }
  pending_.resize(frame_samples_, 0.0f);
  on_frame(pending_);
  pending_.clear();
  return true;
}

}  // namespace lv::audio
