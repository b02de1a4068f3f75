// The `openai:` engine: a remote OpenAI-compatible /v1/audio/speech server (Kokoro-FastAPI, LocalVoice).
#pragma once

#include <string>
#include <string_view>

#include "tts/tts_engine.h"

namespace lv::tts {

struct OpenAiTtsSettings {
  std::string base_url;                 // "http://host:8880/v1" (a URL without a path gets "/v1")
  std::string model = "tts-1";          // sent as "model"
  std::string voice = "alloy";          // sent as "voice" when a call names none
  std::string api_key;                  // sent as "Authorization: Bearer ..." when set
  std::string response_format = "pcm";  // "pcm" (streamed 16-bit mono) or "wav"
  int sample_rate_hz = 24000;           // the rate of "pcm" replies (OpenAI's is 24 kHz); WAV is resampled to it
  int connect_timeout_ms = 3000;
  int timeout_ms = 30000;  // until the first byte, and the longest gap between bytes
};

// Calls are streamed with "pcm" (audio reaches the sink while the server still speaks). Errors name the
// server and what to check: unreachable, timeout, HTTP error status (with the server's message), or a body
// that is not the audio asked for. The server is not contacted at load time.
class OpenAiTtsEngine final : public TtsEngine {
 public:
  explicit OpenAiTtsEngine(OpenAiTtsSettings settings);

  std::string name() const override;
  const TtsCapabilities& capabilities() const override { return capabilities_; }
  int sample_rate_hz(std::string_view voice = {}) const override;

  const std::string& endpoint() const { return endpoint_; }

 protected:
  bool do_synthesize(std::string_view text, const SynthesisOptions& options, const AudioSink& emit,
                     std::stop_token stop) override;

 private:
  OpenAiTtsSettings settings_;
  std::string endpoint_;  // base_url + "/audio/speech"
  TtsCapabilities capabilities_;
};

}  // namespace lv::tts
