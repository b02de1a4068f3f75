// whisper.cpp in-process: one shared model (whisper_context), a pool of per-call decoder states.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "stt/stt_engine.h"

namespace lv::stt {

struct WhisperSettings {
  std::filesystem::path model_path;  // ggml-*.bin (whisper.cpp's ggml format)
  std::string language = "en";       // default when a call names none; "auto" detects
  bool translate = false;            // default translate-to-English
  std::string initial_prompt;        // default prompt (vocabulary, style)
  int threads = 0;                   // 0: min(4, hardware threads)
  int beam_size = 0;                 // 0 or 1: greedy; >1: beam search with this width
  bool trim_audio_ctx = true;        // encode only as much context as the audio needs (much faster on short clips)
  float temperature_inc = 0.2F;      // fallback temperature step when decoding fails thresholds (0 disables)
};

// Checks that `path` is a complete whisper.cpp ggml model before whisper.cpp sees it (whisper.cpp aborts the
// process on some malformed files). Throws lv::Error naming what is wrong: missing, not whisper, truncated.
void validate_whisper_model_file(const std::filesystem::path& path);

class WhisperStt final : public SttEngine {
 public:
  // Validates and loads the model, then warms it up with a short silent decode. Throws lv::Error.
  explicit WhisperStt(WhisperSettings settings);
  ~WhisperStt() override;
  WhisperStt(const WhisperStt&) = delete;
  WhisperStt& operator=(const WhisperStt&) = delete;

  SttCapabilities capabilities() const override;
  // Honours language ("auto" detects on multilingual models), translate and prompt; the stop token aborts
  // whisper's computation through its abort callback.
  Transcript transcribe(const audio::AudioBuffer& audio, const TranscribeOptions& options = {},
                        std::stop_token stop = {}) const override;
  Transcript transcribe_samples(std::span<const float> samples, const TranscribeOptions& options,
                                std::stop_token stop = {}) const;
  // Keeps the audio; partials decode only the recent window, within a budget of the final decode's cost, and
  // finish() decodes the whole utterance once (whisper_utterance_decoder.h).
  std::unique_ptr<UtteranceDecoder> open_utterance(const TranscribeOptions& options = {}) const override;

  // Decodes a piece of a longer utterance (a partial): like transcribe_samples, but not counted in the cost model.
  Transcript transcribe_window(std::span<const float> samples, const TranscribeOptions& options,
                               std::stop_token stop = {}) const;
  // What a whole decode of `audio_s` seconds is expected to take (ms): the warm-up's fixed cost plus a per-second
  // rate learnt from the whole decodes so far.
  double expected_decode_ms(double audio_s) const;

  const WhisperSettings& settings() const { return settings_; }

  struct Model;

 private:
  Transcript decode(std::span<const float> samples, const TranscribeOptions& options, std::stop_token stop,
                    bool whole) const;

  std::shared_ptr<Model> model_;
  WhisperSettings settings_;
};

}  // namespace lv::stt
