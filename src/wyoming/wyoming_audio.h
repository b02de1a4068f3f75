// Wyoming audio events (audio-start, audio-chunk, audio-stop) and conversion of their PCM to what engines take.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "wyoming/wyoming_event.h"

namespace lv::audio {
class Resampler;
}

namespace lv::wyoming {

struct AudioFormat {
  int rate_hz = 16000;
  int width_bytes = 2;  // 1 (signed 8-bit), 2, 3 or 4 (signed little-endian integers)
  int channels = 1;
  bool operator==(const AudioFormat&) const = default;
};

// The format of an audio event's data ("rate", "width", "channels"); throws lv::Error naming a missing or bad
// field.
AudioFormat audio_format(const nlohmann::json& data);

Event audio_start(AudioFormat f);
// An audio-chunk of PCM16 samples (interleaved when f.channels > 1); the data says width 2 whatever f says.
Event audio_chunk(AudioFormat f, std::span<const std::int16_t> mono_pcm16);
Event audio_stop();

// Converts an audio-chunk payload of format f (width 1/2/3/4, any channels, any rate) to mono PCM16 at
// target_hz. Each chunk is resampled on its own; a stream is better served by AudioConverter. A trailing partial
// frame is dropped. Throws lv::Error for an unusable format.
std::vector<std::int16_t> to_mono_pcm16(const Event& chunk, AudioFormat f, int target_hz);

// Converts a stream of audio-chunk payloads in one format to mono float samples at a target rate, keeping the
// resampler's state (and a frame split across chunks) from chunk to chunk. Not thread-safe.
class AudioConverter {
 public:
  // Throws lv::Error for an unusable format.
  AudioConverter(AudioFormat format, int target_hz);
  ~AudioConverter();
  AudioConverter(AudioConverter&&) noexcept;
  AudioConverter& operator=(AudioConverter&&) noexcept;
  AudioConverter(const AudioConverter&) = delete;
  AudioConverter& operator=(const AudioConverter&) = delete;

  // The samples of the next payload (and whatever the resampler releases now).
  std::vector<float> convert(std::span<const std::uint8_t> payload);
  // Ends the stream: what the resampler still holds.
  std::vector<float> flush();
  const AudioFormat& format() const { return format_; }

 private:
  AudioFormat format_;
  int target_hz_;
  std::vector<std::uint8_t> partial_frame_;
  std::unique_ptr<audio::Resampler> resampler_;  // null when the rates match
};

}  // namespace lv::wyoming
