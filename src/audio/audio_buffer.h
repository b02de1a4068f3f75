// A block of float audio in [-1, 1] with its sample rate and channel count (interleaved when > 1).
#pragma once

#include <cstddef>
#include <vector>

namespace lv::audio {

struct AudioBuffer {
  std::vector<float> samples;  // interleaved when channels > 1
  int sample_rate_hz = 16000;
  int channels = 1;

  std::size_t frame_count() const { return channels > 0 ? samples.size() / static_cast<std::size_t>(channels) : 0; }
  double duration_s() const { return sample_rate_hz > 0 ? static_cast<double>(frame_count()) / sample_rate_hz : 0.0; }
};

}  // namespace lv::audio
