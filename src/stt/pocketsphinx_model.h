// PocketSphinx internals shared by the whole-recording path and the streaming decoder: C handle owners, the
// loaded model with its decoder pool and mean probe, and word segmentation of a finished utterance.
#pragma once

#include <pocketsphinx.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "stt/channel_estimate.h"
#include "stt/pocketsphinx_stt.h"

namespace lv::stt {

namespace pocketsphinx {

inline constexpr double kFramesPerSecond = 100.0;  // PocketSphinx's default frame rate
// 100 ms pieces: each takes a few ms to decode, so a stop request is seen well within 50 ms.
inline constexpr std::size_t kPieceSamples = 1600;

struct ConfigDeleter {
  void operator()(ps_config_t* config) const { ps_config_free(config); }
};
struct DecoderDeleter {
  void operator()(ps_decoder_t* decoder) const { ps_free(decoder); }
};
using ConfigPtr = std::unique_ptr<ps_config_t, ConfigDeleter>;
using DecoderPtr = std::unique_ptr<ps_decoder_t, DecoderDeleter>;

// Words of the decoder's last utterance, grouped into segments at pauses of `segment_pause_s`.
std::vector<Segment> collect_segments(ps_decoder_t* ps, double segment_pause_s);

// A cepstral mean as ps_get_cmn() writes it ("41.2,-3.1,...") and as ps_set_cmn() reads it; parse_mean() gives
// an empty vector for "nan" (digital silence) or text that is not a list of numbers.
std::vector<double> parse_mean(const char* text);
std::string format_mean(const std::vector<double>& mean);

// The decoder's running hypothesis as text: fillers dropped, pronunciation variants ("read(2)") stripped.
std::string hypothesis_text(ps_decoder_t* ps);

// Runs `pcm` through an utterance already started, in pieces, checking `stop` between them. Throws Cancelled
// and lv::Error (the utterance is left open; the caller ends it).
void process_pieces(ps_decoder_t* ps, std::span<const std::int16_t> pcm, const std::stop_token& stop);

}  // namespace pocketsphinx

struct PocketsphinxStt::Model {
  pocketsphinx::ConfigPtr config;
  std::mutex mutex;
  std::vector<pocketsphinx::DecoderPtr> idle;
  pocketsphinx::ConfigPtr probe_config;
  std::mutex probe_mutex;
  pocketsphinx::DecoderPtr probe;  // measures an utterance's cepstral mean; one for all decoders (a few ms each)

  pocketsphinx::DecoderPtr create();
  void create_probe();
  // The cepstral mean of `pcm` taken as one batch, without searching it for words; empty for digital silence,
  // which has no mean.
  std::vector<double> utterance_mean(std::span<const std::int16_t> pcm);
  // Resets the decoder's front end and seeds its mean from `pcm`, blended with what `channel` (may be null)
  // learnt from the speaker's earlier utterances. Returns the mean of `pcm` alone (empty when it has none, and
  // then the channel's mean, or else the default, is used).
  std::vector<double> seed_front_end(ps_decoder_t* ps, std::span<const std::int16_t> pcm,
                                     const ChannelEstimate* channel = nullptr);
  pocketsphinx::DecoderPtr acquire();
  void release(pocketsphinx::DecoderPtr decoder);
};

namespace pocketsphinx {

// A decoder borrowed from the pool for as long as this lives; an utterance left open is ended first.
class DecoderLease {
 public:
  explicit DecoderLease(std::shared_ptr<PocketsphinxStt::Model> model)
      : model_(std::move(model)), decoder_(model_->acquire()) {}
  ~DecoderLease() { give_back(); }
  DecoderLease(const DecoderLease&) = delete;
  DecoderLease& operator=(const DecoderLease&) = delete;

  ps_decoder_t* get() const { return decoder_.get(); }
  explicit operator bool() const { return static_cast<bool>(decoder_); }
  void give_back() {
    if (decoder_) {
      model_->release(std::move(decoder_));
    }
  }

 private:
  std::shared_ptr<PocketsphinxStt::Model> model_;
  DecoderPtr decoder_;
};

}  // namespace pocketsphinx

}  // namespace lv::stt
