// Streaming STT from a VAD and a batch engine: each detected utterance is transcribed when it ends, with
// optional partial results from re-decoding the growing utterance at an interval.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "stt/stt_engine.h"
#include "vad/vad_engine.h"

namespace lv::stt {

struct SegmentedStreamOptions {
  TranscribeOptions transcribe;
  int partial_interval_ms = 0;   // > 0: emit a partial result this often (stream time) while speech goes on
  int max_utterance_ms = 30000;  // an utterance this long is finalized and a new one started
};

class SegmentedSttStream final : public SttStream {
 public:
  SegmentedSttStream(SttEnginePtr stt, vad::VadEnginePtr vad, SegmentedStreamOptions options = {});

  std::vector<SttEvent> push(std::span<const float> samples, std::stop_token stop = {}) override;
  std::vector<SttEvent> finish(std::stop_token stop = {}) override;

  bool in_utterance() const { return in_utterance_; }

 private:
  SttEvent decode(SttEventType type, std::int64_t start_sample, std::int64_t end_sample,
                  const std::stop_token& stop) const;
  void close_utterance(std::int64_t end_sample, std::vector<SttEvent>& out, const std::stop_token& stop);
  void trim_history();

  SttEnginePtr stt_;
  vad::VadEnginePtr vad_;
  std::unique_ptr<vad::VadStream> vad_stream_;
  SegmentedStreamOptions options_;
  std::vector<float> history_;      // audio from history_start_ on
  std::int64_t history_start_ = 0;  // stream sample index of history_[0]
  std::int64_t samples_seen_ = 0;
  bool in_utterance_ = false;
  std::int64_t utterance_start_ = 0;
  std::int64_t last_partial_end_ = 0;
};

// The engine's native stream when it has one, else a SegmentedSttStream over `vad`.
std::unique_ptr<SttStream> open_stt_stream(const SttEnginePtr& stt, const vad::VadEnginePtr& vad,
                                           const SegmentedStreamOptions& options = {});

}  // namespace lv::stt
