// WAV (RIFF/WAVE) reading and writing: PCM 16-bit and IEEE float 32-bit, any channel count and rate.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "audio/audio_buffer.h"

namespace lv::audio {

enum class SampleFormat { pcm16, float32 };

struct WavLimits {
  std::size_t max_bytes = std::size_t{512} << 20;  // larger files are rejected before reading them
  int max_channels = 8;
  int min_sample_rate_hz = 1000;
  int max_sample_rate_hz = 384000;
};

// Parses a whole WAV file held in memory. Throws lv::Error naming the problem ("truncated data chunk",
// "not a RIFF/WAVE file", "unsupported encoding: A-law (format 6); convert to 16-bit PCM", ...).
// `source` names the input in messages (a file name, "upload").
AudioBuffer parse_wav(std::string_view bytes, std::string_view source = "WAV data", const WavLimits& limits = {});
AudioBuffer read_wav(const std::filesystem::path& path, const WavLimits& limits = {});

// Encodes audio as a WAV file image (canonical 44-byte header for PCM16).
std::string encode_wav(const AudioBuffer& audio, SampleFormat format = SampleFormat::pcm16);
// Writes atomically (temporary file + rename), so a crash never leaves half a file under `path`.
void write_wav(const std::filesystem::path& path, const AudioBuffer& audio, SampleFormat format = SampleFormat::pcm16);

}  // namespace lv::audio
