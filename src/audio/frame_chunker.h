// Cuts a stream of samples into fixed-size frames (e.g. 20 ms or 32 ms), carrying the remainder over.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

namespace lv::audio {

class FrameChunker {
 public:
  explicit FrameChunker(std::size_t frame_samples);

  // Samples per frame for a rate and a duration, e.g. (16000, 20) -> 320.
  static std::size_t frame_samples_for(int sample_rate_hz, int frame_ms);

  // Appends samples and calls `on_frame` once for each complete frame, in order.
  void push(std::span<const float> samples, const std::function<void(std::span<const float>)>& on_frame);
  // Emits the pending partial frame padded with zeros (if any); returns whether a frame was emitted.
  bool flush(const std::function<void(std::span<const float>)>& on_frame);

  std::size_t frame_samples() const { return frame_samples_; }
  std::size_t pending_samples() const { return pending_.size(); }

 private:
  std::size_t frame_samples_;
  std::vector<float> pending_;
};

}  // namespace lv::audio
