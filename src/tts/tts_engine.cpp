#include "tts/tts_engine.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <utility>

#include "util/clock.h"
#include "util/error.h"

namespace lv::tts {

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

SynthesisResult TtsEngine::synthesize(std::string_view text, const SynthesisOptions& options, const AudioSink& sink,
                                      std::stop_token stop) {
  validate_options(capabilities(), options, name());
  SynthesisResult result;
  result.sample_rate_hz = sample_rate_hz(options.voice);
  const auto start = Clock::now();
  bool sink_stopped = false;
  const AudioSink emit = [&](std::span<const float> samples) {
    if (samples.empty()) {
      return !stop.stop_requested();
    }
    if (result.time_to_first_audio_ms < 0.0) {
      result.time_to_first_audio_ms = util::ms_since(start);
    }
    result.sample_count += samples.size();
    if (sink && !sink(samples)) {
      sink_stopped = true;
      return false;
    }
    return !stop.stop_requested();
  };
  const bool stopped_early = do_synthesize(text, options, emit, stop);
  result.synthesis_ms = util::ms_since(start);
  result.cancelled = stopped_early || sink_stopped || stop.stop_requested();
  return result;
}

SynthesizedAudio synthesize_to_buffer(TtsEngine& engine, std::string_view text, const SynthesisOptions& options,
                                      std::stop_token stop) {
  SynthesizedAudio out;
  out.result = engine.synthesize(
      text, options,
      [&](std::span<const float> samples) {
        out.audio.samples.insert(out.audio.samples.end(), samples.begin(), samples.end());
        return true;
      },
      std::move(stop));
  out.audio.sample_rate_hz = out.result.sample_rate_hz;
  out.audio.channels = 1;
  return out;
}

void validate_options(const TtsCapabilities& capabilities, const SynthesisOptions& options,
                      std::string_view engine_name) {
  if (!std::isfinite(options.speed) || options.speed < 0.25 || options.speed > 4.0) {
    throw Error("speech speed " + std::to_string(options.speed) + " is out of range for " + std::string(engine_name),
                "use a speed between 0.25 and 4.0 (1.0 is normal)");
  }
  if (options.voice.empty() || capabilities.voices.empty()) {
    return;
  }
  if (std::find(capabilities.voices.begin(), capabilities.voices.end(), options.voice) == capabilities.voices.end()) {
    std::string known;
    for (const auto& voice : capabilities.voices) {
      known += known.empty() ? voice : ", " + voice;
    }
    throw Error("unknown voice '" + options.voice + "' for " + std::string(engine_name), "use one of: " + known);
  }
}

}  // namespace lv::tts
