// Wake-word detection: the engine interface (models loaded once) and its per-stream detector.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "audio/audio_buffer.h"

namespace lv::wake {

// Every detector takes 16 kHz mono PCM16; whole-buffer helpers resample other input.
inline constexpr int kWakeSampleRateHz = 16000;

// Turning per-frame scores into detections. URL params of the same names override these.
struct WakeOptions {
  float threshold = 0.5F;    // score at or above which a frame counts
  int trigger_level = 1;     // consecutive frames at or above the threshold that make a detection
  int refractory_ms = 2000;  // after a detection the same word is not reported again for this long
};

struct WakeDetection {
  std::string name;               // the wake word ("hey_jarvis")
  float score = 0.0F;             // the score of the frame that completed the trigger
  std::int64_t timestamp_ms = 0;  // stream time at the end of that frame
};

// One analysis frame's scores, one per wake word in WakeEngine::words() order.
struct WakeFrame {
  std::int64_t end_ms = 0;
  std::vector<float> scores;
};

struct WakeCapabilities {
  std::string name;                // "openwakeword"
  std::size_t frame_samples = 0;   // analysis frame at 16 kHz (1280 = 80 ms)
  std::vector<std::string> words;  // the wake words a stream listens for
};

// Per-stream scoring of whole frames (the model's state); the detector around it handles chunking and triggers.
class WakeFrameScorer {
 public:
  virtual ~WakeFrameScorer() = default;
  // Scores one frame of capabilities().frame_samples samples; returns one score per word.
  virtual std::vector<float> score(std::span<const std::int16_t> frame) = 0;
  virtual void reset() = 0;
};

class WakeDetector;

// Loaded models, shared by all streams (thread-safe): detectors hold the per-stream state.
class WakeEngine {
 public:
  virtual ~WakeEngine() = default;
  virtual WakeCapabilities capabilities() const = 0;
  virtual const WakeOptions& options() const = 0;
  virtual std::unique_ptr<WakeFrameScorer> open_scorer() const = 0;
  // A detector with this engine's scorer, words and options.
  std::unique_ptr<WakeDetector> open_stream() const;
};

using WakeEnginePtr = std::shared_ptr<WakeEngine>;

// What a whole recording holds: its detections and the highest score each word reached.
struct WakeScan {
  std::vector<WakeDetection> detections;
  std::vector<float> max_scores;  // per word, in capabilities().words order
  std::uint64_t frames = 0;
};

// Runs a detector over a whole buffer (any rate and channel count).
WakeScan scan_audio(const WakeEngine& engine, const audio::AudioBuffer& audio);

}  // namespace lv::wake
