#include "audio/pcm.h"

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>

#include "util/error.h"

namespace lv::audio {

std::vector<float> pcm16_to_float(std::span<const std::int16_t> pcm) {
  std::vector<float> out(pcm.size());
  constexpr float kScale = 1.0f / 32768.0f;
  for (std::size_t i = 0; i < pcm.size(); ++i) {
    out[i] = static_cast<float>(pcm[i]) * kScale;
  }
  return out;
}

std::vector<std::int16_t> float_to_pcm16(std::span<const float> samples) {
  std::vector<std::int16_t> out(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const float scaled = samples[i] * 32768.0f;
    if (std::isnan(scaled)) {
      out[i] = 0;
      continue;
    }
    // Clamp before rounding so huge values and infinities cannot overflow the conversion.
    const float clamped = scaled < -32768.0f ? -32768.0f : (scaled > 32767.0f ? 32767.0f : scaled);
    // std::round is exact and independent of the floating-point rounding mode (halves go away from zero).
    out[i] = static_cast<std::int16_t>(std::round(clamped));
  }
  return out;
}

AudioBuffer downmix_to_mono(const AudioBuffer& audio) {
  if (audio.channels <= 0) {
    throw Error("cannot downmix audio with " + std::to_string(audio.channels) + " channels",
                "the audio buffer must have at least one channel");
  }
  if (audio.channels == 1) {
    return audio;
  }
  const auto channels = static_cast<std::size_t>(audio.channels);
  const std::size_t frames = audio.frame_count();
  AudioBuffer mono;
  mono.sample_rate_hz = audio.sample_rate_hz;
  mono.channels = 1;
  mono.samples.resize(frames);
  const float inverse = 1.0f / static_cast<float>(channels);
  const float* in = audio.samples.data();
  for (std::size_t frame = 0; frame < frames; ++frame) {
    float sum = 0.0f;
    for (std::size_t ch = 0; ch < channels; ++ch) {
      sum += in[frame * channels + ch];
    }
    mono.samples[frame] = sum * inverse;
  }
  return mono;
}

double rms_dbfs(std::span<const float> samples) {
  if (samples.empty()) {
    return -std::numeric_limits<double>::infinity();
  }
  double sum_squares = 0.0;
  for (const float s : samples) {
    sum_squares += static_cast<double>(s) * static_cast<double>(s);
  }
  const double rms = std::sqrt(sum_squares / static_cast<double>(samples.size()));
  if (rms <= 0.0) {
    return -std::numeric_limits<double>::infinity();
  }
  return 20.0 * std::log10(rms);
}

}  // namespace lv::audio
