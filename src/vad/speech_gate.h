// Turns per-frame speech probabilities into speech-start/end events, and the frame-based VadStream built on it.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "audio/frame_chunker.h"
#include "vad/vad_engine.h"

namespace lv::vad {

// The hysteresis state machine shared by all detectors: speech starts after `min_speech_ms` of frames at or
// above the threshold, and ends after `min_silence_ms` below a lower threshold (threshold - 0.15), so a
// probability hovering around the threshold does not flap.
class SpeechGate {
 public:
  SpeechGate(const VadOptions& options, double frame_s);

  // Takes the probability of the frame starting at `frame_start_s`; returns an event when one completes.
  std::optional<VadEvent> update(float probability, double frame_start_s);
  // Closes an open segment at the end of the audio.
  std::optional<VadEvent> finish(double end_of_audio_s);
  void reset();
  bool in_speech() const { return in_speech_; }

 private:
  VadOptions options_;
  double frame_s_;
  float release_threshold_;
  bool in_speech_ = false;
  std::optional<double> candidate_start_s_;  // first frame of a run that may become speech
  float candidate_max_probability_ = 0.0F;
  std::optional<double> silence_start_s_;  // first quiet frame while in speech
  double last_end_s_ = 0.0;                // padded end of the previous segment
};

// Scores one analysis frame (speech probability in [0, 1]); holds one session's state (e.g. an RNN state).
class FrameScorer {
 public:
  virtual ~FrameScorer() = default;
  virtual float score(std::span<const float> frame) = 0;
  virtual void reset() = 0;
};

// A VadStream that cuts 16 kHz audio into frames, scores each and runs the SpeechGate.
class FrameVadStream final : public VadStream {
 public:
  FrameVadStream(std::unique_ptr<FrameScorer> scorer, std::size_t frame_samples, const VadOptions& options);

  std::vector<VadEvent> push(std::span<const float> samples) override;
  std::vector<VadEvent> flush() override;
  void reset() override;
  bool in_speech() const override { return gate_.in_speech(); }
  float last_probability() const override { return last_probability_; }
  double time_s() const override;
  const VadTimings& timings() const override { return timings_; }

 private:
  void on_frame(std::span<const float> frame, std::vector<VadEvent>& events);
  double refined_end_s(const VadEvent& end) const;

  struct FrameLevel {
    double start_s;
    double level_dbfs;
  };

  std::unique_ptr<FrameScorer> scorer_;
  audio::FrameChunker chunker_;
  SpeechGate gate_;
  std::size_t frames_done_ = 0;
  std::size_t samples_pushed_ = 0;
  float last_probability_ = 0.0F;
  VadTimings timings_;
  VadOptions options_;
  std::deque<FrameLevel> recent_levels_;  // the last ~half second of frames
  double segment_peak_dbfs_ = -200.0;
};

}  // namespace lv::vad
