// Test fixtures made on the fly: flite speech, silence, noise, and the Silero model fetched into the build tree.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "audio/audio_buffer.h"

namespace lv::test {

// Synthesizes `text` with the flite command-line tool (voices: slt, kal16, rms, awb) and returns 16 kHz mono
// audio. Throws std::runtime_error when flite fails.
audio::AudioBuffer flite_speech(const std::string& text, const std::string& voice = "slt");

// `seconds` of digital silence / white noise at `level_dbfs` RMS (fixed seed), at 16 kHz mono.
audio::AudioBuffer silence(double seconds, int sample_rate_hz = 16000);
audio::AudioBuffer white_noise(double seconds, double level_dbfs, unsigned seed = 7, int sample_rate_hz = 16000);

// Concatenates b after a (same rate and channels).
audio::AudioBuffer concat(const audio::AudioBuffer& a, const audio::AudioBuffer& b);

// Offset of the first and one past the last sample whose magnitude exceeds `level` (speech bounds in a clean
// synthetic signal), in seconds.
struct Bounds {
  double start_s = 0.0;
  double end_s = 0.0;
};
Bounds signal_bounds(const audio::AudioBuffer& audio, float level = 0.01F);

// The Silero VAD model, installed into <build>/models by scripts/fetch-silero-model when missing. Empty when
// the npm registry cannot be reached (the caller skips); throws when the script fails otherwise.
std::optional<std::filesystem::path> silero_model_path();

}  // namespace lv::test
