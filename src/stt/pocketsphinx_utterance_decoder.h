// PocketSphinx's streaming decoder for one utterance: audio is searched as it is fed, partials are the running
// hypothesis, and finish() only ends the search.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "stt/pocketsphinx_model.h"
#include "stt/pocketsphinx_stt.h"
#include "stt/utterance_decoder.h"

namespace lv::stt {

// Holds one pooled decoder from construction until finish() (or destruction, which abandons the utterance).
// transcribe() seeds the front end with the whole recording's cepstral mean; a stream cannot know it before
// the end, and a mean of only the first half second or so costs many words (docs/benchmarks.md, "Streaming
// speech-to-text"). So the search is restarted as the utterance grows: the first `stream_seed_s` are held back,
// then searched from a front end seeded with their mean (measured by the engine's search-less probe), and each
// time the utterance has grown to `stream_restart_growth` times the audio the current seed was measured on, the search
// starts over from the beginning with the mean of everything so far, until a mean was measured on
// `stream_seed_max_s` (each restart searches the audio again: this bounds the extra CPU). The catch-up runs
// during speech; at finish() the seed covers at least 1/`stream_restart_growth` of an utterance up to twice
// that long, and only the search's end is left. With a ChannelEstimate in the options each seed is blended with
// what the speaker's earlier utterances showed, and the utterance's own mean is learnt at finish(). An
// utterance shorter than the first seed is decoded at finish() exactly as transcribe() decodes it. After
// finish() or a Cancelled the decoder is spent.
class PocketsphinxUtteranceDecoder final : public UtteranceDecoder {
 public:
  PocketsphinxUtteranceDecoder(std::shared_ptr<PocketsphinxStt::Model> model, const PocketsphinxSettings& settings,
                               TranscribeOptions options);
  ~PocketsphinxUtteranceDecoder() override;
  PocketsphinxUtteranceDecoder(const PocketsphinxUtteranceDecoder&) = delete;
  PocketsphinxUtteranceDecoder& operator=(const PocketsphinxUtteranceDecoder&) = delete;

  void feed(std::span<const float> samples, std::stop_token stop = {}) override;
  std::string partial(std::stop_token stop = {}) override;
  Transcript finish(std::stop_token stop = {}) override;
  double fed_s() const override;
  bool decodes_while_fed() const override { return true; }

 private:
  void require_open(const char* call) const;
  // Seeds the front end with the mean of all audio so far, starts the search and runs that audio through it.
  void start_search(const std::stop_token& stop);
  void search(std::span<const std::int16_t> pcm, const std::stop_token& stop);
  void end_search();

  std::shared_ptr<PocketsphinxStt::Model> model_;
  pocketsphinx::DecoderLease decoder_;
  TranscribeOptions options_;
  double segment_pause_s_;
  std::size_t seed_samples_;
  double restart_growth_;
  std::size_t max_seed_samples_;
  std::vector<std::int16_t> pcm_;   // the whole utterance: a restart searches it again
  std::size_t seeded_samples_ = 0;  // the audio the current search's mean was measured on
  std::vector<double> own_mean_;    // that audio's own mean (before blending with the speaker's channel)
  double decode_ms_ = 0.0;          // time spent in feed() and finish()
  bool searching_ = false;          // an utterance is open in the decoder
  bool spent_ = false;
};

}  // namespace lv::stt
