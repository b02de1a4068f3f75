// PocketSphinx 5 speech recognition: the offline default (Debian ships the US English model).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "stt/stt_engine.h"

namespace lv::stt {

struct PocketsphinxSettings {
  // Acoustic model directory, language model and dictionary; empty means Debian's en-us model
  // (pocketsphinx-en-us in /usr/share/pocketsphinx/model/en-us).
  std::filesystem::path hmm_dir;
  std::filesystem::path lm_path;
  std::filesystem::path dict_path;
  double segment_pause_s = 0.5;  // a pause this long between words starts a new segment
  // A streamed utterance (open_utterance) is decoded from a front end seeded with the cepstral mean of its first
  // this many seconds, which are held back until then (docs/benchmarks.md, "Streaming speech-to-text").
  double stream_seed_s = 0.5;
  // ... and its search restarts with the mean of everything so far whenever the utterance has grown to this many
  // times the audio the current mean was measured on (> 1).
  double stream_restart_growth = 2.0;
  // ... until the mean was measured on this much audio: a longer utterance keeps searching on from there.
  double stream_seed_max_s = 4.0;
};

// Uses PocketSphinx 5.x (ps_config_*), not bookworm's 0.8: the 5.x API is the maintained one, it has a
// JSON/typed configuration instead of the global cmd_ln argument tables, and better endpointing.
// A decoder holds the acoustic model and per-utterance search state and is not thread-safe, so the engine
// keeps a pool: the configuration is loaded once, each call borrows a decoder and returns it afterwards.
class PocketsphinxStt final : public SttEngine {
 public:
  // Loads the model (one decoder) and warms it up. Throws lv::Error naming the missing file and package.
  explicit PocketsphinxStt(const PocketsphinxSettings& settings = {});
  ~PocketsphinxStt() override;
  PocketsphinxStt(const PocketsphinxStt&) = delete;
  PocketsphinxStt& operator=(const PocketsphinxStt&) = delete;

  SttCapabilities capabilities() const override;
  Transcript transcribe(const audio::AudioBuffer& audio, const TranscribeOptions& options = {},
                        std::stop_token stop = {}) const override;

  // Decodes each utterance while it is fed: partials are the running hypothesis, finish() only ends the search.
  std::unique_ptr<UtteranceDecoder> open_utterance(const TranscribeOptions& options = {}) const override;

  // Decodes 16 kHz mono samples already in engine format (the path transcribe() takes after resampling).
  Transcript transcribe_samples(std::span<const float> samples, const std::stop_token& stop = {}) const;

  struct Model;

 private:
  std::shared_ptr<Model> model_;
  PocketsphinxSettings settings_;
};

}  // namespace lv::stt
