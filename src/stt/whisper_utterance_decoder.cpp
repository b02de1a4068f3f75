#include "stt/whisper_utterance_decoder.h"

#include <algorithm>
#include <cmath>

#include "stt/whisper_stt.h"
#include "util/clock.h"
#include "util/error.h"

namespace lv::stt {

namespace {

constexpr auto kWindowSamples = static_cast<std::size_t>(WhisperUtteranceDecoder::kWindowS * kSttSampleRateHz);
constexpr auto kMinNewSamples = static_cast<std::size_t>(WhisperUtteranceDecoder::kMinNewAudioS * kSttSampleRateHz);

double to_seconds(std::size_t samples) { return static_cast<double>(samples) / kSttSampleRateHz; }

std::string join_text(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) {
    return a.empty() ? b : a;
  }
  return a + " " + b;
}

}  // namespace

WhisperUtteranceDecoder::WhisperUtteranceDecoder(const WhisperStt& engine, TranscribeOptions options)
    : engine_(engine), options_(std::move(options)) {}

void WhisperUtteranceDecoder::require_open(const char* call) const {
  if (spent_) {
    throw Error(std::string("whisper: ") + call + " on an utterance decoder that has finished",
                "open a new decoder (SttEngine::open_utterance) for each utterance");
  }
}

void WhisperUtteranceDecoder::feed(std::span<const float> samples, std::stop_token stop) {
  require_open("feed()");
  if (stop.stop_requested()) {
    throw Cancelled();
  }
  const auto at = audio_.size();
  audio_.insert(audio_.end(), samples.begin(), samples.end());
  // A NaN would poison whisper's spectrogram for the whole utterance; it becomes silence.
  std::replace_if(
      audio_.begin() + static_cast<std::ptrdiff_t>(at), audio_.end(),
      [](float sample) { return !std::isfinite(sample); }, 0.0F);
}

std::string WhisperUtteranceDecoder::partial_text() const { return join_text(committed_, window_text_); }

bool WhisperUtteranceDecoder::within_budget(std::size_t window_samples) const {
  const double next_ms =
      last_partial_ms_ > 0.0 ? last_partial_ms_ : engine_.expected_decode_ms(to_seconds(window_samples));
  return partial_ms_ + next_ms <= kPartialBudget * engine_.expected_decode_ms(fed_s());
}

std::string WhisperUtteranceDecoder::partial(std::stop_token stop) {
  require_open("partial()");
  if (stop.stop_requested()) {
    throw Cancelled();
  }
  if (audio_.size() < window_end_ + kMinNewSamples) {
    return partial_text();
  }
  const std::size_t from = audio_.size() - std::min(audio_.size(), kWindowSamples);
  const std::size_t window_samples = audio_.size() - from;
  if (!within_budget(window_samples)) {
    return partial_text();
  }
  TranscribeOptions options = options_;
  options.on_segment = nullptr;
  const auto start = util::SteadyClock::now();
  const std::span<const float> window(audio_.data() + from, window_samples);
  std::string text = engine_.transcribe_window(window, options, stop).text;
  last_partial_ms_ = util::ms_since(start);
  partial_ms_ += last_partial_ms_;
  if (window_end_ > 0 && from >= window_end_) {
    committed_ = partial_text();  // the previous window ended before this one: its words stand
  }
  window_text_ = std::move(text);
  window_end_ = audio_.size();
  return partial_text();
}

Transcript WhisperUtteranceDecoder::finish(std::stop_token stop) {
  require_open("finish()");
  spent_ = true;
  std::vector<float> audio = std::move(audio_);
  audio_.clear();
  if (audio.empty()) {
    Transcript nothing;  // nothing was fed: nothing was said
    nothing.language = options_.language;
    return nothing;
  }
  return engine_.transcribe_samples(audio, options_, std::move(stop));
}

double WhisperUtteranceDecoder::fed_s() const { return to_seconds(audio_.size()); }

}  // namespace lv::stt
