// The `wyoming:` engine: a remote Wyoming text-to-speech server (wyoming-piper, another LocalVoice).
#pragma once

#include <string>
#include <string_view>

#include "engine/engine_url.h"
#include "tts/tts_engine.h"
#include "wyoming/wyoming_client.h"

namespace lv::tts {

struct WyomingTtsSettings {
  wyoming::ServerAddress server;
  std::string voice;           // sent as synthesize voice "name" when a call names none ("": the server's default)
  std::string speaker;         // sent as voice "speaker" when set
  int sample_rate_hz = 22050;  // the engine's output rate: the server's audio is converted to it (Piper's usual)
  int connect_timeout_ms = 3000;
  int timeout_ms = 30000;  // until the first audio, and the longest gap between events
};

// One connection per call: synthesize {text, voice} -> audio-start, audio-chunk..., audio-stop; the audio reaches
// the sink chunk by chunk as mono float at sample_rate_hz whatever rate, width and channels the server sends.
// Errors name the server and what to check: not running, no answer in time, closed mid-stream, an `error`
// event with the server's message. The server is not contacted at load time.
class WyomingTtsEngine final : public TtsEngine {
 public:
  explicit WyomingTtsEngine(WyomingTtsSettings settings);

  std::string name() const override { return "wyoming:" + settings_.server.uri(); }
  const TtsCapabilities& capabilities() const override { return capabilities_; }
  int sample_rate_hz(std::string_view /*voice*/ = {}) const override { return settings_.sample_rate_hz; }

 protected:
  bool do_synthesize(std::string_view text, const SynthesisOptions& options, const AudioSink& emit,
                     std::stop_token stop) override;

 private:
  WyomingTtsSettings settings_;
  TtsCapabilities capabilities_;
};

// The engine of a `wyoming://HOST:PORT?voice=..&speaker=..&sample_rate=N&timeout_ms=N&connect_timeout_ms=N` URL
// (or `wyoming:///path/to.sock`); throws lv::Error for a malformed server or parameter.
TtsEnginePtr make_wyoming_tts(const engine::EngineUrl& url);

}  // namespace lv::tts
