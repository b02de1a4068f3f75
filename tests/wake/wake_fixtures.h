// What the openWakeWord tests and benchmark need: the installed models, spoken phrases and real speech.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "audio/audio_buffer.h"

namespace lv::test {

// The command that installs the models the tests use.
inline constexpr const char* kWakePullCommand = "localvoice models pull openwakeword:hey_jarvis";

// hey_jarvis_v0.1.onnx as the model manager installs it (LOCALVOICE_PATHS_MODELS_DIR, else the default models
// directory); empty when it is not installed.
std::optional<std::filesystem::path> hey_jarvis_model_path();

// `text` spoken by espeak-ng's `voice` at `words_per_minute`, 16 kHz mono. Throws std::runtime_error on failure.
audio::AudioBuffer espeak_speech(const std::string& text, const std::string& voice, int words_per_minute = 175);

// The LibriVox recordings of pocketsphinx-testdata (real read speech without any wake word); empty when the
// package is not installed.
std::vector<std::filesystem::path> librivox_recordings();

}  // namespace lv::test
