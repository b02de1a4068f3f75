// Voice-activity detection: the engine interface (shared model), per-session streams and speech events.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <vector>

#include "audio/audio_buffer.h"

namespace lv::vad {

// Every VAD stream takes 16 kHz mono float samples; whole-buffer helpers resample other input.
inline constexpr int kVadSampleRateHz = 16000;

struct VadCapabilities {
  std::string name;                  // "silero", "energy"
  std::vector<int> sample_rates_hz;  // rates a stream accepts without resampling
  std::size_t frame_samples = 512;   // analysis frame at 16 kHz (512 = 32 ms)
  bool neural = false;               // needs a model file
};

// Turning per-frame speech probabilities into speech segments. URL params of the same names override these.
struct VadOptions {
  float threshold = 0.5F;    // probability at or above which a frame counts as speech
  int min_speech_ms = 250;   // shorter bursts are ignored (clicks, coughs)
  int min_silence_ms = 300;  // a pause must last this long to end the segment
  int speech_pad_ms = 30;    // added before the start and after the end of each segment (pre-roll)
};

enum class VadEventType { speech_start, speech_end };

struct VadEvent {
  VadEventType type = VadEventType::speech_start;
  double time_s = 0.0;       // stream time of the (padded) boundary
  float probability = 0.0F;  // speech probability of the frame that triggered the event
};

struct VadSegment {
  double start_s = 0.0;
  double end_s = 0.0;
  float max_probability = 0.0F;
};

// Where a stream's time went; summed over its lifetime.
struct VadTimings {
  std::uint64_t frames = 0;
  double compute_ms = 0.0;  // time spent scoring frames
  double per_frame_ms() const { return frames > 0 ? compute_ms / static_cast<double>(frames) : 0.0; }
};

// Thrown when a stop_token was triggered before the work finished.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("voice-activity detection cancelled") {}
};

// One session's detector state (not thread-safe; one per audio stream).
class VadStream {
 public:
  virtual ~VadStream() = default;
  // Feeds 16 kHz mono samples of any length; returns the events completed by them, in time order.
  virtual std::vector<VadEvent> push(std::span<const float> samples) = 0;
  // Ends the stream: closes an open segment (speech_end at the end of the audio).
  virtual std::vector<VadEvent> flush() = 0;
  // Forgets all state (a new utterance on the same stream object); time restarts at 0.
  virtual void reset() = 0;

  virtual bool in_speech() const = 0;
  virtual float last_probability() const = 0;  // of the most recent frame
  virtual double time_s() const = 0;           // audio consumed so far
  virtual const VadTimings& timings() const = 0;
};

// A loaded detector, shared by all sessions (thread-safe): streams hold the per-session state.
class VadEngine {
 public:
  virtual ~VadEngine() = default;
  virtual VadCapabilities capabilities() const = 0;
  virtual const VadOptions& options() const = 0;
  virtual std::unique_ptr<VadStream> open_stream() const = 0;
};

using VadEnginePtr = std::shared_ptr<VadEngine>;

// Runs a stream over a whole buffer (any rate and channel count) and returns the speech segments. The stop
// token is checked every frame; throws Cancelled when triggered.
std::vector<VadSegment> detect_segments(const VadEngine& engine, const audio::AudioBuffer& audio,
                                        const std::stop_token& stop = {}, VadTimings* timings = nullptr);

// Pairs start/end events into segments (an unmatched start ends at `end_of_audio_s`).
std::vector<VadSegment> segments_from_events(std::span<const VadEvent> events, double end_of_audio_s);

}  // namespace lv::vad
