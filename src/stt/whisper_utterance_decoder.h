// Whisper's decoder for one utterance fed as it is spoken: partials decode only a bounded recent window within
// a CPU budget, and the whole utterance is decoded once at the end.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "stt/utterance_decoder.h"

namespace lv::stt {

class WhisperStt;

// Whisper is not a streaming decoder: each decode reads a whole window, and the final decode reads the whole
// utterance once (so the final text is what transcribe() gives). So that partials cost O(new audio) rather than
// O(turn^2), a partial decodes only the most recent kWindowS, and only while the partial decodes of this
// utterance stay within kPartialBudget of what the final decode is expected to cost
// (WhisperStt::expected_decode_ms); otherwise the last partial text is returned again. A window that starts
// after the previous one ended commits the previous one's text, which later partials reuse as their prefix.
// The budget makes partials sparse where a decode's fixed cost is high against its per-second cost (the tiny
// test model: docs/benchmarks.md, "Streaming speech-to-text"). The engine must outlive the decoder. After
// finish() the decoder is spent.
class WhisperUtteranceDecoder final : public UtteranceDecoder {
 public:
  static constexpr double kWindowS = 2.0;
  static constexpr double kPartialBudget = 0.3;
  static constexpr double kMinNewAudioS = 0.5;  // less new audio than this: the last partial still stands

  WhisperUtteranceDecoder(const WhisperStt& engine, TranscribeOptions options);

  void feed(std::span<const float> samples, std::stop_token stop = {}) override;
  std::string partial(std::stop_token stop = {}) override;
  Transcript finish(std::stop_token stop = {}) override;
  double fed_s() const override;

 private:
  void require_open(const char* call) const;
  std::string partial_text() const;
  bool within_budget(std::size_t window_samples) const;

  const WhisperStt& engine_;
  TranscribeOptions options_;
  std::vector<float> audio_;
  std::string committed_;    // text of earlier windows that the last one does not overlap
  std::string window_text_;  // the last partial decode, of the window that ended at window_end_
  std::size_t window_end_ = 0;
  double partial_ms_ = 0.0;       // spent on partial decodes of this utterance
  double last_partial_ms_ = 0.0;  // the latest one (predicts the next)
  bool spent_ = false;
};

}  // namespace lv::stt
