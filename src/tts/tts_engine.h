// The text-to-speech engine interface: capabilities, cancellable synthesis into audio chunks, timings.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "audio/audio_buffer.h"

namespace lv::tts {

// What an engine can do; fixed once the engine is loaded.
struct TtsCapabilities {
  bool streaming = false;              // audio of one call arrives in several chunks while synthesis runs
  std::vector<int> sample_rates_hz;    // native output rates (the engine never resamples)
  std::vector<std::string> languages;  // BCP-47-ish codes ("en-us"); empty when unknown
  std::vector<std::string> voices;     // names accepted in SynthesisOptions::voice; the first is the default
};

// Per-call settings. Engines keep their loaded voice/model shared; everything here is per call.
struct SynthesisOptions {
  std::string voice;   // empty: the engine's default voice
  double speed = 1.0;  // 1.0 is the voice's natural rate; 2.0 twice as fast
};

// Receives each chunk of mono float audio at the engine's native rate; return false to stop synthesis.
using AudioSink = std::function<bool(std::span<const float> samples)>;

// What one call produced and how fast.
struct SynthesisResult {
  int sample_rate_hz = 0;
  std::size_t sample_count = 0;
  double time_to_first_audio_ms = -1.0;  // -1 when no audio was produced
  double synthesis_ms = 0.0;             // wall time of the whole call
  bool cancelled = false;                // stopped by the stop token or by the sink returning false

  double audio_duration_s() const {
    return sample_rate_hz > 0 ? static_cast<double>(sample_count) / sample_rate_hz : 0.0;
  }
  // Wall time divided by audio duration: below 1 is faster than real time (0 when no audio).
  double real_time_factor() const {
    const double audio_s = audio_duration_s();
    return audio_s > 0.0 ? synthesis_ms / 1000.0 / audio_s : 0.0;
  }
};

class TtsEngine {
 public:
  virtual ~TtsEngine() = default;
  TtsEngine() = default;
  TtsEngine(const TtsEngine&) = delete;
  TtsEngine& operator=(const TtsEngine&) = delete;

  // "flite:slt", "espeak:en-us", ... (for logs and /v1/models).
  virtual std::string name() const = 0;
  virtual const TtsCapabilities& capabilities() const = 0;
  // The rate of the audio this engine produces for `voice` (empty: default voice).
  virtual int sample_rate_hz(std::string_view voice = {}) const = 0;

  // Synthesizes `text`, calling `sink` with audio as it is produced. Returns early (cancelled = true)
  // within about 50 ms of `stop` being requested or of the sink returning false. Thread-safe: calls may
  // run concurrently (engines serialize internally where their library demands it). Throws lv::Error on
  // an unknown voice, an out-of-range speed or an engine failure.
  SynthesisResult synthesize(std::string_view text, const SynthesisOptions& options, const AudioSink& sink,
                             std::stop_token stop = {});

 protected:
  // Engine-specific synthesis; `emit` forwards to the caller's sink and records timings. Return true when
  // stopped early (stop token or emit returned false).
  virtual bool do_synthesize(std::string_view text, const SynthesisOptions& options, const AudioSink& emit,
                             std::stop_token stop) = 0;
};

using TtsEnginePtr = std::shared_ptr<TtsEngine>;

// Synthesizes the whole text into one buffer (convenience for the CLI, the route and tests).
struct SynthesizedAudio {
  audio::AudioBuffer audio;
  SynthesisResult result;
};
SynthesizedAudio synthesize_to_buffer(TtsEngine& engine, std::string_view text, const SynthesisOptions& options = {},
                                      std::stop_token stop = {});

// Checks options against an engine's capabilities; throws lv::Error naming the voice or speed and the fix.
void validate_options(const TtsCapabilities& capabilities, const SynthesisOptions& options,
                      std::string_view engine_name);

}  // namespace lv::tts
