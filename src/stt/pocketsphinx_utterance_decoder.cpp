#include "stt/pocketsphinx_utterance_decoder.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "audio/pcm.h"
#include "util/clock.h"
#include "util/error.h"

namespace lv::stt {

PocketsphinxUtteranceDecoder::PocketsphinxUtteranceDecoder(std::shared_ptr<PocketsphinxStt::Model> model,
                                                           const PocketsphinxSettings& settings,
                                                           TranscribeOptions options)
    : model_(std::move(model)),
      decoder_(model_),
      options_(std::move(options)),
      segment_pause_s_(settings.segment_pause_s),
      seed_samples_(static_cast<std::size_t>(std::max(0.0, settings.stream_seed_s) * kSttSampleRateHz)),
      restart_growth_(std::max(1.1, settings.stream_restart_growth)),
      max_seed_samples_(static_cast<std::size_t>(std::max(0.0, settings.stream_seed_max_s) * kSttSampleRateHz)) {
  pcm_.reserve(seed_samples_);
}

PocketsphinxUtteranceDecoder::~PocketsphinxUtteranceDecoder() {
  if (searching_) {
    ps_end_utt(decoder_.get());  // abandoned: the pooled decoder must be ready for its next utterance
  }
}

void PocketsphinxUtteranceDecoder::require_open(const char* call) const {
  if (spent_) {
    throw Error(std::string("pocketsphinx: ") + call + " on an utterance decoder that has finished or was cancelled",
                "open a new decoder (SttEngine::open_utterance) for each utterance");
  }
}

void PocketsphinxUtteranceDecoder::search(std::span<const std::int16_t> pcm, const std::stop_token& stop) {
  try {
    pocketsphinx::process_pieces(decoder_.get(), pcm, stop);
  } catch (...) {
    spent_ = true;  // part of the audio may have been searched: the utterance cannot go on
    end_search();
    decoder_.give_back();
    throw;
  }
}

void PocketsphinxUtteranceDecoder::start_search(const std::stop_token& stop) {
  end_search();
  ps_decoder_t* ps = decoder_.get();
  own_mean_ = model_->seed_front_end(ps, pcm_, options_.channel.get());
  if (ps_start_utt(ps) < 0) {
    throw Error("PocketSphinx could not start an utterance", "restart the program");
  }
  searching_ = true;
  seeded_samples_ = pcm_.size();
  search(pcm_, stop);
}

void PocketsphinxUtteranceDecoder::end_search() {
  if (searching_) {
    searching_ = false;
    ps_end_utt(decoder_.get());
  }
}

void PocketsphinxUtteranceDecoder::feed(std::span<const float> samples, std::stop_token stop) {
  require_open("feed()");
  if (stop.stop_requested()) {
    spent_ = true;
    end_search();
    decoder_.give_back();
    throw Cancelled();
  }
  const auto start = util::SteadyClock::now();
  const auto pcm = audio::float_to_pcm16(samples);  // NaN becomes 0, out-of-range samples clip
  pcm_.insert(pcm_.end(), pcm.begin(), pcm.end());
  const bool first = !searching_ && pcm_.size() >= seed_samples_ && !pcm_.empty();
  const bool grown = searching_ && seeded_samples_ < max_seed_samples_ &&
                     static_cast<double>(pcm_.size()) >=
                         restart_growth_ * static_cast<double>(std::max<std::size_t>(seeded_samples_, 1));
  if (first || grown) {
    start_search(stop);
  } else if (searching_) {
    search(pcm, stop);
  }
  decode_ms_ += util::ms_since(start);
}

std::string PocketsphinxUtteranceDecoder::partial(std::stop_token stop) {
  require_open("partial()");
  if (stop.stop_requested()) {
    throw Cancelled();
  }
  // Before the seed is measured nothing has been searched yet.
  return searching_ ? pocketsphinx::hypothesis_text(decoder_.get()) : std::string();
}

Transcript PocketsphinxUtteranceDecoder::finish(std::stop_token stop) {
  require_open("finish()");
  const auto start = util::SteadyClock::now();
  Transcript result;
  result.language = "en";
  result.timings.audio_s = fed_s();
  if (!searching_ && pcm_.empty()) {
    spent_ = true;  // nothing was fed: nothing was said
    decoder_.give_back();
    return result;
  }
  if (!searching_) {
    start_search(stop);  // shorter than the seed: the whole utterance seeds its own mean, as in transcribe()
  } else if (stop.stop_requested()) {
    spent_ = true;
    end_search();
    decoder_.give_back();
    throw Cancelled();
  }
  spent_ = true;
  end_search();
  result.segments = pocketsphinx::collect_segments(decoder_.get(), segment_pause_s_);
  decoder_.give_back();
  if (options_.channel) {
    // The mean of the last seed is this utterance's own (up to stream_seed_max_s of it): the next turn starts there.
    options_.channel->learn(own_mean_, static_cast<double>(seeded_samples_) / kSttSampleRateHz);
  }
  result.text = join_segments(result.segments);
  if (options_.on_segment) {
    for (const auto& segment : result.segments) {
      options_.on_segment(segment);
    }
  }
  result.timings.inference_ms = decode_ms_ + util::ms_since(start);
  result.timings.total_ms = result.timings.inference_ms;
  return result;
}

double PocketsphinxUtteranceDecoder::fed_s() const { return static_cast<double>(pcm_.size()) / kSttSampleRateHz; }

}  // namespace lv::stt
