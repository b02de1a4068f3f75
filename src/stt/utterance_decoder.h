// One utterance decoded while it is spoken: audio in as it arrives, the running hypothesis on request, the final
// transcript once the speaker stops.
#pragma once

#include <memory>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "stt/stt_engine.h"

namespace lv::stt {

// Not thread-safe: one caller at a time (a session feeds it from one strand or one pool task after another).
class UtteranceDecoder {
 public:
  virtual ~UtteranceDecoder() = default;
  // Adds 16 kHz mono samples. Streaming engines decode them now; batch engines keep them. Throws Cancelled.
  virtual void feed(std::span<const float> samples, std::stop_token stop = {}) = 0;
  // The hypothesis for the audio fed so far ("" while there is none). Streaming engines return their running
  // hypothesis; batch engines decode what they have. Throws Cancelled.
  virtual std::string partial(std::stop_token stop = {}) = 0;
  // The final transcript of everything fed (empty when nothing was fed); the decoder is spent afterwards, and any
  // further call throws lv::Error. Throws lv::Error, Cancelled.
  virtual Transcript finish(std::stop_token stop = {}) = 0;
  // Seconds of audio fed so far.
  virtual double fed_s() const = 0;
  // Whether feed() decodes the audio as it arrives (so finish() has little left to do); false for decoders that
  // keep the audio and decode it when asked.
  virtual bool decodes_while_fed() const { return false; }
};

// The fallback for engines without a streaming decoder: keeps the audio and runs transcribe() on it.
class BufferedUtteranceDecoder final : public UtteranceDecoder {
 public:
  BufferedUtteranceDecoder(const SttEngine& engine, TranscribeOptions options);

  void feed(std::span<const float> samples, std::stop_token stop = {}) override;
  std::string partial(std::stop_token stop = {}) override;
  Transcript finish(std::stop_token stop = {}) override;
  double fed_s() const override;

 private:
  const SttEngine& engine_;
  TranscribeOptions options_;
  std::vector<float> audio_;
  bool spent_ = false;
};

}  // namespace lv::stt
