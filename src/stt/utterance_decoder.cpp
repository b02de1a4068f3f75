#include "stt/utterance_decoder.h"

#include <utility>

#include "audio/audio_buffer.h"
#include "util/error.h"

namespace lv::stt {

std::unique_ptr<UtteranceDecoder> SttEngine::open_utterance(const TranscribeOptions& options) const {
  return std::make_unique<BufferedUtteranceDecoder>(*this, options);
}

BufferedUtteranceDecoder::BufferedUtteranceDecoder(const SttEngine& engine, TranscribeOptions options)
    : engine_(engine), options_(std::move(options)) {}

namespace {

void require_open(bool spent) {
  if (spent) {
    throw Error("stt: an utterance decoder was used after finish()",
                "open a new decoder (SttEngine::open_utterance) for each utterance");
  }
}

}  // namespace

void BufferedUtteranceDecoder::feed(std::span<const float> samples, std::stop_token stop) {
  require_open(spent_);
  if (stop.stop_requested()) {
    throw Cancelled();
  }
  audio_.insert(audio_.end(), samples.begin(), samples.end());
}

std::string BufferedUtteranceDecoder::partial(std::stop_token stop) {
  require_open(spent_);
  if (audio_.empty()) {
    return {};
  }
  const audio::AudioBuffer buffer{audio_, kSttSampleRateHz, 1};
  TranscribeOptions options = options_;
  options.on_segment = nullptr;
  return trim(engine_.transcribe(buffer, options, std::move(stop)).text);
}

Transcript BufferedUtteranceDecoder::finish(std::stop_token stop) {
  require_open(spent_);
  spent_ = true;
  if (audio_.empty()) {
    return {};
  }
  const audio::AudioBuffer buffer{std::move(audio_), kSttSampleRateHz, 1};
  audio_.clear();
  return engine_.transcribe(buffer, options_, std::move(stop));
}

double BufferedUtteranceDecoder::fed_s() const { return static_cast<double>(audio_.size()) / kSttSampleRateHz; }

}  // namespace lv::stt
