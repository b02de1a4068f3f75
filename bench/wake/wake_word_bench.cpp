// Wake words, measured: how often `openwakeword:hey_jarvis` detects the phrase spoken by the project's TTS
// voices (flite and espeak-ng, several speaking rates, levels and noise), how often it fires on real read
// speech that does not contain it (pocketsphinx-testdata's LibriVox recordings, looped with a different level
// and noise each pass to reach an hour), and its real-time factor. Table on stderr, JSON on stdout.
//
// Usage: wake_word_bench [--engine URL] [--hours H]
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "audio/pcm.h"
#include "audio/resampler.h"
#include "audio/wav.h"
#include "engine/engine_registry.h"
#include "stt/speech_fixtures.h"
#include "support/test_paths.h"
#include "wake/register_wake.h"
#include "wake/wake_detector.h"
#include "wake_fixtures.h"

namespace {

using lv::audio::AudioBuffer;

struct Clip {
  std::string set;    // "flite", "espeak-ng"
  std::string label;  // voice, rate, level, noise
  AudioBuffer audio;
};

// `speech` at `gain`, padded with a second either side, over white noise at `noise_dbfs` (none when 0).
AudioBuffer staged(const AudioBuffer& speech, float gain, double noise_dbfs, unsigned seed) {
  AudioBuffer out = lv::test::concat(lv::test::concat(lv::test::silence(1.0), speech), lv::test::silence(1.0));
  for (float& sample : out.samples) {
    sample *= gain;
  }
  if (noise_dbfs < 0.0) {
    const auto noise = lv::test::white_noise(out.duration_s(), noise_dbfs, seed);
    for (std::size_t i = 0; i < out.samples.size() && i < noise.samples.size(); ++i) {
      out.samples[i] = std::clamp(out.samples[i] + noise.samples[i], -1.0F, 1.0F);
    }
  }
  return out;
}

AudioBuffer flite_at(const std::string& voice, double stretch) {
  const lv::test::TempDir dir;
  const auto wav = dir / "phrase.wav";
  const std::string command = "flite -voice " + voice + " --setf duration_stretch=" + std::to_string(stretch) +
                              " -t 'hey jarvis' -o " + wav.string();
  if (std::system(command.c_str()) != 0) {
    throw std::runtime_error("flite failed: " + command);
  }
  auto audio = lv::audio::downmix_to_mono(lv::audio::read_wav(wav));
  return audio.sample_rate_hz == 16000 ? audio : lv::audio::resample(audio, 16000);
}

std::vector<Clip> wake_phrases() {
  struct Stage {
    const char* name;
    float gain;
    double noise_dbfs;
  };
  const std::vector<Stage> stages{
      {"clean", 1.0F, 0.0}, {"-12dB", 0.25F, 0.0}, {"noise-45dBFS", 1.0F, -45.0}, {"noise-30dBFS", 1.0F, -30.0}};
  std::vector<Clip> clips;
  unsigned seed = 1;
  for (const char* voice : {"slt", "rms", "kal16", "awb"}) {
    for (const double stretch : {0.8, 1.0, 1.25}) {
      const auto speech = flite_at(voice, stretch);
      for (const auto& stage : stages) {
        clips.push_back({"flite", std::string(voice) + " x" + std::to_string(stretch).substr(0, 4) + " " + stage.name,
                         staged(speech, stage.gain, stage.noise_dbfs, seed++)});
      }
    }
  }
  for (const char* voice : {"en-us", "en-gb", "en-gb-scotland", "en-029"}) {
    for (const int rate : {140, 175, 210}) {
      const auto speech = lv::test::espeak_speech("hey jarvis", voice, rate);
      for (const auto& stage : stages) {
        clips.push_back({"espeak-ng", std::string(voice) + " " + std::to_string(rate) + "wpm " + stage.name,
                         staged(speech, stage.gain, stage.noise_dbfs, seed++)});
      }
    }
  }
  return clips;
}

struct SetResult {
  int clips = 0;
  int detected = 0;
  std::vector<float> max_scores;
};

}  // namespace

int main(int argc, char** argv) {
  std::string url = "openwakeword:hey_jarvis";
  double hours = 1.0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--engine") {
      url = argv[i + 1];
    } else if (flag == "--hours") {
      hours = std::atof(argv[i + 1]);
    }
  }
  const auto model = lv::test::hey_jarvis_model_path();
  if (!model) {
    std::cerr << "the openWakeWord models are not installed; run `" << lv::test::kWakePullCommand << "`\n";
    return 2;
  }
  lv::engine::EngineRegistry<lv::wake::WakeEngine> registry(lv::engine::EngineKind::wake);
  lv::wake::register_wake_engines(registry, {{}, model->parent_path().parent_path().parent_path()});
  const auto engine = registry.create(registry.parse(url));

  std::map<std::string, SetResult> sets;
  nlohmann::json clips_json = nlohmann::json::array();
  for (const auto& clip : wake_phrases()) {
    const auto scan = lv::wake::scan_audio(*engine, clip.audio);
    auto& set = sets[clip.set];
    ++set.clips;
    set.detected += scan.detections.empty() ? 0 : 1;
    set.max_scores.push_back(scan.max_scores.at(0));
    clips_json.push_back({{"set", clip.set},
                          {"clip", clip.label},
                          {"detections", scan.detections.size()},
                          {"max_score", scan.max_scores.at(0)}});
  }

  // Real speech without the phrase, pass after pass at another level and noise floor, through one stream.
  AudioBuffer speech;
  speech.sample_rate_hz = 16000;
  for (const auto& path : lv::test::librivox_recordings()) {
    auto audio = lv::audio::downmix_to_mono(lv::audio::read_wav(path));
    audio = audio.sample_rate_hz == 16000 ? audio : lv::audio::resample(audio, 16000);
    speech.samples.insert(speech.samples.end(), audio.samples.begin(), audio.samples.end());
  }
  if (speech.samples.empty()) {
    std::cerr << "pocketsphinx-testdata is not installed (apt-get install pocketsphinx-testdata)\n";
    return 2;
  }
  auto detector = engine->open_stream();
  const std::vector<float> gains{1.0F, 0.5F, 2.0F, 0.25F};
  const std::vector<double> noise_floors{0.0, -50.0, -40.0, -35.0};
  std::size_t passes = 0;
  std::size_t false_activations = 0;
  double audio_s = 0.0;
  double compute_s = 0.0;
  std::vector<std::string> false_at;
  while (audio_s < hours * 3600.0) {
    const float gain = gains[passes % gains.size()];
    const double noise = noise_floors[(passes / gains.size()) % noise_floors.size()];
    AudioBuffer pass = speech;
    for (float& sample : pass.samples) {
      sample *= gain;
    }
    if (noise < 0.0) {
      const auto floor = lv::test::white_noise(pass.duration_s(), noise, static_cast<unsigned>(passes + 100));
      for (std::size_t i = 0; i < pass.samples.size() && i < floor.samples.size(); ++i) {
        pass.samples[i] += floor.samples[i];
      }
    }
    const auto pcm = lv::audio::float_to_pcm16(pass.samples);
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t offset = 0; offset < pcm.size(); offset += 320) {  // 20 ms chunks, as a live stream
      const auto found =
          detector->push(std::span(pcm).subspan(offset, std::min<std::size_t>(320, pcm.size() - offset)));
      for (const auto& detection : found) {
        ++false_activations;
        false_at.push_back("pass " + std::to_string(passes) + " at " + std::to_string(detection.timestamp_ms) + " ms");
      }
    }
    compute_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    audio_s += pass.duration_s();
    ++passes;
  }
  const double per_hour = static_cast<double>(false_activations) / (audio_s / 3600.0);
  const double rtf = compute_s / audio_s;

  std::fprintf(stderr, "| set | clips | detected | rate | median max score |\n|---|---:|---:|---:|---:|\n");
  nlohmann::json sets_json = nlohmann::json::object();
  for (auto& [name, set] : sets) {
    std::sort(set.max_scores.begin(), set.max_scores.end());
    const float median = set.max_scores[set.max_scores.size() / 2];
    std::fprintf(stderr, "| %s | %d | %d | %.0f%% |  %.3f |\n", name.c_str(), set.clips, set.detected,
                 100.0 * set.detected / set.clips, static_cast<double>(median));
    sets_json[name] = {{"clips", set.clips}, {"detected", set.detected}, {"median_max_score", median}};
  }
  std::fprintf(stderr,
               "\nreal speech: %.0f s of LibriVox (%zu passes of %.0f s), %zu false activations = %.2f per hour, "
               "highest score %.3f; real-time factor %.4f (one core, 20 ms chunks)\n",
               audio_s, passes, speech.duration_s(), false_activations, per_hour,
               static_cast<double>(detector->max_scores().at(0)), rtf);
  for (const auto& at : false_at) {
    std::fprintf(stderr, "  false activation: %s\n", at.c_str());
  }
  const nlohmann::json result{{"engine", url},
                              {"sets", sets_json},
                              {"clips", clips_json},
                              {"real_speech",
                               {{"audio_s", audio_s},
                                {"passes", passes},
                                {"recording_s", speech.duration_s()},
                                {"false_activations", false_activations},
                                {"per_hour", per_hour},
                                {"max_score", detector->max_scores().at(0)}}},
                              {"real_time_factor", rtf}};
  std::cout << result.dump(2) << "\n";
  return 0;
}
