#include "stt/speech_fixtures.h"

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <random>
#include <stdexcept>

#include "audio/pcm.h"
#include "audio/resampler.h"
#include "audio/wav.h"
#include "support/test_paths.h"

namespace lv::test {

namespace {

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

}  // namespace

audio::AudioBuffer flite_speech(const std::string& text, const std::string& voice) {
  TempDir dir;
  const auto wav = dir / "speech.wav";
  const std::string command =
      "flite -voice " + shell_quote(voice) + " -t " + shell_quote(text) + " -o " + shell_quote(wav.string());
  const int status = std::system(command.c_str());
  if (status != 0) {
    throw std::runtime_error("flite failed (" + std::to_string(status) + "): " + command);
  }
  auto audio = audio::downmix_to_mono(audio::read_wav(wav));
  if (audio.sample_rate_hz != 16000) {
    audio = audio::resample(audio, 16000);
  }
  return audio;
}

audio::AudioBuffer silence(double seconds, int sample_rate_hz) {
  audio::AudioBuffer out;
  out.sample_rate_hz = sample_rate_hz;
  out.samples.assign(static_cast<std::size_t>(seconds * sample_rate_hz), 0.0F);
  return out;
}

audio::AudioBuffer white_noise(double seconds, double level_dbfs, unsigned seed, int sample_rate_hz) {
  audio::AudioBuffer out = silence(seconds, sample_rate_hz);
  std::mt19937 random(seed);
  // Uniform noise in [-a, a] has RMS a / sqrt(3).
  const double amplitude = std::pow(10.0, level_dbfs / 20.0) * std::sqrt(3.0);
  std::uniform_real_distribution<double> uniform(-amplitude, amplitude);
  for (auto& sample : out.samples) {
    sample = static_cast<float>(uniform(random));
  }
  return out;
}

audio::AudioBuffer concat(const audio::AudioBuffer& a, const audio::AudioBuffer& b) {
  audio::AudioBuffer out = a;
  out.samples.insert(out.samples.end(), b.samples.begin(), b.samples.end());
  return out;
}

Bounds signal_bounds(const audio::AudioBuffer& audio, float level) {
  const auto loud = [level](float s) { return std::fabs(s) > level; };
  const auto first = std::find_if(audio.samples.begin(), audio.samples.end(), loud);
  const auto last = std::find_if(audio.samples.rbegin(), audio.samples.rend(), loud);
  const double rate = audio.sample_rate_hz;
  return Bounds{static_cast<double>(first - audio.samples.begin()) / rate,
                static_cast<double>(audio.samples.rend() - last) / rate};
}

std::optional<std::filesystem::path> silero_model_path() {
  // Several test programs may run at once; the script installs atomically, so racing is harmless.
  const auto dir = binary_dir() / "models";
  const auto path = dir / "silero_vad_v5.onnx";
  if (std::filesystem::exists(path)) {
    return path;
  }
  const std::string command =
      shell_quote((source_dir() / "scripts" / "fetch-silero-model").string()) + " " + shell_quote(dir.string());
  const int status = std::system(command.c_str());
  if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
    return std::nullopt;  // npm registry unreachable
  }
  if (status != 0 || !std::filesystem::exists(path)) {
    throw std::runtime_error("scripts/fetch-silero-model failed with status " + std::to_string(status));
  }
  return path;
}

}  // namespace lv::test
