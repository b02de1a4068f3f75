// Remote speech-to-text over the Wyoming protocol (wyoming-faster-whisper, another LocalVoice, any asr server).
#pragma once

#include <memory>
#include <string>

#include "engine/engine_url.h"
#include "stt/stt_engine.h"
#include "wyoming/wyoming_client.h"

namespace lv::stt {

struct WyomingSttSettings {
  wyoming::ServerAddress server;
  std::string model;     // sent as transcribe "name" ("" lets the server choose)
  std::string language;  // default language when a call names none ("" lets the server decide)
  int connect_timeout_ms = 3000;
  int timeout_ms = 60000;  // for the transcript after the audio ended, and for the server taking audio
};

// Each utterance is one connection: transcribe, audio-start, audio-chunk... as the audio arrives, audio-stop,
// then the server's transcript. Errors name the server and what to check (not running, no answer in time,
// closed mid-stream, an `error` event with the server's message). The server is not contacted at load time.
class WyomingStt final : public SttEngine {
 public:
  explicit WyomingStt(WyomingSttSettings settings);

  SttCapabilities capabilities() const override;
  Transcript transcribe(const audio::AudioBuffer& audio, const TranscribeOptions& options = {},
                        std::stop_token stop = {}) const override;
  // Streams the audio to the server while it is spoken (connects on the first feed).
  std::unique_ptr<UtteranceDecoder> open_utterance(const TranscribeOptions& options = {}) const override;

  std::string uri() const { return settings_.server.uri(); }

 private:
  WyomingSttSettings settings_;
};

// The engine of a `wyoming://HOST:PORT?model=..&language=..&timeout_ms=N&connect_timeout_ms=N` URL (or
// `wyoming:///path/to.sock`); throws lv::Error for a malformed server or parameter.
SttEnginePtr make_wyoming_stt(const engine::EngineUrl& url);

}  // namespace lv::stt
