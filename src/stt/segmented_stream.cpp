#include "stt/segmented_stream.h"

#include <algorithm>
#include <cmath>

#include "util/error.h"

namespace lv::stt {

namespace {

// Audio kept before the current position while no one speaks: the VAD reports a start up to min_speech_ms
// plus its padding after the fact, so the utterance's first syllable must still be in memory.
constexpr std::int64_t kKeepSamples = 3 * kSttSampleRateHz;

std::int64_t to_samples(double seconds) { return static_cast<std::int64_t>(std::llround(seconds * kSttSampleRateHz)); }
double to_seconds(std::int64_t samples) { return static_cast<double>(samples) / kSttSampleRateHz; }

}  // namespace

SegmentedSttStream::SegmentedSttStream(SttEnginePtr stt, vad::VadEnginePtr vad, SegmentedStreamOptions options)
    : stt_(std::move(stt)), vad_(std::move(vad)), options_(std::move(options)) {
  if (!stt_ || !vad_) {
    throw Error("streaming transcription needs both an STT and a VAD engine", "configure engines.stt and engines.vad");
  }
  vad_stream_ = vad_->open_stream();
}

SttEvent SegmentedSttStream::decode(SttEventType type, std::int64_t start_sample, std::int64_t end_sample,
                                    const std::stop_token& stop) const {
  const std::int64_t from = std::clamp(start_sample, history_start_, samples_seen_);
  const std::int64_t to = std::clamp(end_sample, from, samples_seen_);
  audio::AudioBuffer piece;
  piece.sample_rate_hz = kSttSampleRateHz;
  piece.samples.assign(history_.begin() + (from - history_start_), history_.begin() + (to - history_start_));
  SttEvent event;
  event.type = type;
  event.start_s = to_seconds(from);
  event.end_s = to_seconds(to);
  if (!piece.samples.empty()) {
    event.transcript = stt_->transcribe(piece, options_.transcribe, stop);
    // Segment times become stream times.
    for (auto& segment : event.transcript.segments) {
      segment.start_s += event.start_s;
      segment.end_s += event.start_s;
    }
  }
  return event;
}

void SegmentedSttStream::close_utterance(std::int64_t end_sample, std::vector<SttEvent>& out,
                                         const std::stop_token& stop) {
  in_utterance_ = false;
  SttEvent event = decode(SttEventType::final, utterance_start_, end_sample, stop);
  if (!event.transcript.text.empty()) {
    out.push_back(std::move(event));
  }
}

void SegmentedSttStream::trim_history() {
  const std::int64_t keep_from = in_utterance_ ? utterance_start_ : samples_seen_ - kKeepSamples;
  if (keep_from > history_start_) {
    const auto drop = std::min<std::int64_t>(keep_from - history_start_, static_cast<std::int64_t>(history_.size()));
    history_.erase(history_.begin(), history_.begin() + drop);
    history_start_ += drop;
  }
}

std::vector<SttEvent> SegmentedSttStream::push(std::span<const float> samples, std::stop_token stop) {
  std::vector<SttEvent> out;
  history_.insert(history_.end(), samples.begin(), samples.end());
  samples_seen_ += static_cast<std::int64_t>(samples.size());
  for (const auto& event : vad_stream_->push(samples)) {
    if (event.type == vad::VadEventType::speech_start) {
      in_utterance_ = true;
      utterance_start_ = std::max(history_start_, to_samples(event.time_s));
      last_partial_end_ = utterance_start_;
    } else if (in_utterance_) {
      close_utterance(to_samples(event.time_s), out, stop);
    }
  }
  if (in_utterance_) {
    const std::int64_t length = samples_seen_ - utterance_start_;
    if (length >= to_samples(options_.max_utterance_ms / 1000.0)) {
      close_utterance(samples_seen_, out, stop);
      in_utterance_ = true;  // speech goes on: the next utterance starts here
      utterance_start_ = samples_seen_;
      last_partial_end_ = samples_seen_;
    } else if (options_.partial_interval_ms > 0 &&
               samples_seen_ - last_partial_end_ >= to_samples(options_.partial_interval_ms / 1000.0)) {
      last_partial_end_ = samples_seen_;
      SttEvent partial = decode(SttEventType::partial, utterance_start_, samples_seen_, stop);
      if (!partial.transcript.text.empty()) {
        out.push_back(std::move(partial));
      }
    }
  }
  trim_history();
  return out;
}

std::vector<SttEvent> SegmentedSttStream::finish(std::stop_token stop) {
  std::vector<SttEvent> out;
  for (const auto& event : vad_stream_->flush()) {
    if (event.type == vad::VadEventType::speech_start) {
      in_utterance_ = true;
      utterance_start_ = std::max(history_start_, to_samples(event.time_s));
    } else if (in_utterance_) {
      close_utterance(to_samples(event.time_s), out, stop);
    }
  }
  if (in_utterance_) {
    close_utterance(samples_seen_, out, stop);
  }
  vad_stream_->reset();
  history_.clear();
  history_start_ = 0;
  samples_seen_ = 0;
  return out;
}

std::unique_ptr<SttStream> open_stt_stream(const SttEnginePtr& stt, const vad::VadEnginePtr& vad,
                                           const SegmentedStreamOptions& options) {
  if (!stt) {
    throw Error("no STT engine configured", "set engines.stt, e.g. pocketsphinx:en-us");
  }
  if (auto native = stt->open_stream(options.transcribe)) {
    return native;
  }
  return std::make_unique<SegmentedSttStream>(stt, vad, options);
}

}  // namespace lv::stt
