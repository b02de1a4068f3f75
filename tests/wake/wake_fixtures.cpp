#include "wake_fixtures.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "audio/pcm.h"
#include "audio/resampler.h"
#include "audio/wav.h"
#include "support/test_paths.h"

namespace lv::test {

namespace {

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

std::filesystem::path models_dir() {
  if (const char* dir = std::getenv("LOCALVOICE_PATHS_MODELS_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  if (const char* cache = std::getenv("XDG_CACHE_HOME"); cache != nullptr && *cache != '\0') {
    return std::filesystem::path(cache) / "localvoice" / "models";
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home != nullptr ? home : "/root") / ".cache" / "localvoice" / "models";
}

}  // namespace

std::optional<std::filesystem::path> hey_jarvis_model_path() {
  const auto dir = models_dir() / "openwakeword" / "hey_jarvis";
  std::error_code error;
  for (const char* file : {"hey_jarvis_v0.1.onnx", "melspectrogram.onnx", "embedding_model.onnx"}) {
    if (!std::filesystem::is_regular_file(dir / file, error)) {
      return std::nullopt;
    }
  }
  return dir / "hey_jarvis_v0.1.onnx";
}

audio::AudioBuffer espeak_speech(const std::string& text, const std::string& voice, int words_per_minute) {
  const TempDir dir;
  const auto wav = dir / "speech.wav";
  const std::string command = "espeak-ng -v " + quoted(voice) + " -s " + std::to_string(words_per_minute) + " -w " +
                              quoted(wav.string()) + " " + quoted(text);
  if (std::system(command.c_str()) != 0) {
    throw std::runtime_error("espeak-ng failed: " + command);
  }
  auto audio = audio::downmix_to_mono(audio::read_wav(wav));
  return audio.sample_rate_hz == 16000 ? audio : audio::resample(audio, 16000);
}

std::vector<std::filesystem::path> librivox_recordings() {
  std::vector<std::filesystem::path> out;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/share/pocketsphinx/test/data/librivox", error)) {
    if (entry.path().extension() == ".wav") {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace lv::test
