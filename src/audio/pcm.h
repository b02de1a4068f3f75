// Sample format conversion (PCM16 <-> float) and channel downmixing.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "audio/audio_buffer.h"

namespace lv::audio {

// int16 -> float in [-1, 1) (divides by 32768).
std::vector<float> pcm16_to_float(std::span<const std::int16_t> pcm);
// float -> int16, rounding to nearest and clipping out-of-range values (NaN becomes 0).
std::vector<std::int16_t> float_to_pcm16(std::span<const float> samples);

// Averages interleaved channels into one; a mono buffer is returned unchanged.
AudioBuffer downmix_to_mono(const AudioBuffer& audio);

// Root-mean-square level in dBFS (-inf for silence); a sine at full scale is about -3 dBFS.
double rms_dbfs(std::span<const float> samples);

}  // namespace lv::audio
