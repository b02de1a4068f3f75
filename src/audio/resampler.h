// Sample-rate conversion with libsoxr, streaming (chunk by chunk) or whole-buffer.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "audio/audio_buffer.h"

namespace lv::audio {

// libsoxr recipes. `quick` is cubic interpolation with no anti-aliasing filter: do not downsample speech with it.
enum class ResampleQuality { quick, medium, high, very_high };

// Streaming resampler for interleaved float audio. Keeps filter state between calls, so feeding a signal in
// pieces gives the same result as feeding it whole. Not thread-safe; one per stream.
class Resampler {
 public:
  Resampler(int input_rate_hz, int output_rate_hz, int channels = 1, ResampleQuality quality = ResampleQuality::high);
  ~Resampler();
  Resampler(Resampler&&) noexcept;
  Resampler& operator=(Resampler&&) noexcept;
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;

  // Resamples the next piece of input; returns the output available so far. Input may end mid-frame (for
  // channels > 1): the incomplete frame is held until the next call.
  std::vector<float> process(std::span<const float> input);
  // Ends the stream: returns the remaining output held in the filter. The resampler can then be reused.
  std::vector<float> flush();

  int input_rate_hz() const { return input_rate_hz_; }
  int output_rate_hz() const { return output_rate_hz_; }
  int channels() const { return channels_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  int input_rate_hz_;
  int output_rate_hz_;
  int channels_;
};

// Resamples a whole buffer (returns a copy when the rate already matches).
AudioBuffer resample(const AudioBuffer& audio, int output_rate_hz, ResampleQuality quality = ResampleQuality::high);

// Downmixes to one channel, then resamples: the usual preparation of input for VAD and STT (16 kHz mono).
AudioBuffer to_mono(const AudioBuffer& audio, int output_rate_hz, ResampleQuality quality = ResampleQuality::high);

}  // namespace lv::audio
