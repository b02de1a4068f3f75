// Speech-to-text: the engine interface (a shared, loaded model), transcripts and timings.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <vector>

#include "audio/audio_buffer.h"

namespace lv::stt {

class ChannelEstimate;
class UtteranceDecoder;

// Engines decode 16 kHz mono; transcribe() resamples and downmixes anything else first.
inline constexpr int kSttSampleRateHz = 16000;

struct SttCapabilities {
  std::string name;              // "pocketsphinx", "whisper", "openai"
  bool streaming = false;        // open_utterance() decodes while the audio arrives (else at finish())
  bool partial_results = false;  // UtteranceDecoder::partial() is the running hypothesis, not a re-decode
  bool translation = false;      // TranscribeOptions::translate is honoured
  bool segment_timestamps = true;
  std::vector<int> sample_rates_hz;    // rates decoded natively (others are resampled)
  std::vector<std::string> languages;  // ISO 639-1 codes; {"auto"} when the model detects the language
};

struct Segment {
  double start_s = 0.0;
  double end_s = 0.0;
  std::string text;
  float confidence = 0.0F;  // 0..1 where the engine reports one; 0 when unknown
};

struct TranscribeOptions {
  std::string language;    // "" = engine default, "auto" = detect (when supported), else e.g. "en"
  bool translate = false;  // translate to English (whisper)
  std::string prompt;      // initial prompt / vocabulary hint (whisper, openai)
  // Called with each segment as soon as it is decoded (whisper reports them during a long transcription;
  // other engines once the whole result is in). Runs on the transcribing thread.
  std::function<void(const Segment&)> on_segment;
  // The speaker's channel, carried from utterance to utterance (a voice session passes the same one for each
  // turn); null: the utterance is decoded on its own. Engines without per-utterance normalisation ignore it.
  std::shared_ptr<ChannelEstimate> channel;
};

// Where a call's time went.
struct SttTimings {
  double audio_s = 0.0;        // duration of the input
  double preprocess_ms = 0.0;  // resampling, encoding
  double inference_ms = 0.0;   // the engine's own decode (or the remote round trip)
  double total_ms = 0.0;
  double real_time_factor() const { return audio_s > 0.0 ? total_ms / 1000.0 / audio_s : 0.0; }
};

struct Transcript {
  std::string text;
  std::string language;  // as detected or requested ("" when unknown)
  std::vector<Segment> segments;
  SttTimings timings;
};

// Thrown when the stop_token was triggered; engines honour it within about 50 ms.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("transcription cancelled") {}
};

// A loaded recognizer, shared by all sessions (thread-safe): each call or utterance uses its own decoder state.
class SttEngine {
 public:
  virtual ~SttEngine() = default;
  virtual SttCapabilities capabilities() const = 0;
  // Transcribes a whole recording (any rate and channel count). Throws lv::Error for unusable input or a
  // failing engine, Cancelled when `stop` triggers.
  virtual Transcript transcribe(const audio::AudioBuffer& audio, const TranscribeOptions& options = {},
                                std::stop_token stop = {}) const = 0;
  // A decoder for one utterance fed as it is spoken (utterance_decoder.h); the default keeps the audio and
  // transcribes it, streaming engines override it.
  virtual std::unique_ptr<UtteranceDecoder> open_utterance(const TranscribeOptions& options = {}) const;
};

using SttEnginePtr = std::shared_ptr<SttEngine>;

// Downmixes and resamples to 16 kHz mono; throws lv::Error for empty or non-finite audio.
std::vector<float> to_engine_audio(const audio::AudioBuffer& audio);

// Joins segment texts with single spaces, trimming each.
std::string join_segments(const std::vector<Segment>& segments);

// Trims ASCII whitespace from both ends.
std::string trim(std::string text);

}  // namespace lv::stt
