// The Wyoming `tts` service: synthesize (whole text) and synthesize-start/chunk/stop (text streamed in, spoken
// sentence by sentence as it arrives) answered with audio-start / audio-chunk / audio-stop.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "session/session_runtime.h"
#include "tts/tts_engine.h"
#include "wyoming/wyoming_service.h"

namespace lv::wyoming {

// The text-to-speech engine loaded now (it may arrive after the server started, or be swapped later).
struct CurrentTts {
  tts::TtsEnginePtr engine;  // null while none is loaded
  std::string url;           // redacted engine URL, e.g. "flite:slt", shown in the program's description
};

struct TtsServiceOptions {
  double max_chunk_s = 0.25;  // longest audio-chunk sent
};

// Synthesis runs on the session runtime's TTS pool, one connection's sentences in order; the I/O thread only
// queues work. Each request uses the engine `current` gives when it starts (an `error` event while there is
// none). Info: one `tts` program with the engine's voices and supports_synthesize_streaming.
class TtsService final : public WyomingService {
 public:
  TtsService(std::function<CurrentTts()> current, std::shared_ptr<session::SessionRuntime> runtime,
             TtsServiceOptions options = {});

  void describe(nlohmann::json& info_data) const override;
  std::unique_ptr<ServiceHandler> open(EventWriterPtr writer) override;

 private:
  std::function<CurrentTts()> current_;
  std::shared_ptr<session::SessionRuntime> runtime_;
  TtsServiceOptions options_;
};

}  // namespace lv::wyoming
