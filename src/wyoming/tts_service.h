// The Wyoming `tts` service: synthesize (whole text) and synthesize-start/chunk/stop (text streamed in, spoken
// sentence by sentence as it arrives) answered with audio-start / audio-chunk / audio-stop.
#pragma once

#include <memory>
#include <string>

#include "session/task_pool.h"
#include "tts/tts_engine.h"
#include "wyoming/wyoming_service.h"

namespace lv::wyoming {

struct TtsServiceOptions {
  std::string engine_url;     // redacted, shown in the program's description
  double max_chunk_s = 0.25;  // longest audio-chunk sent
};

// Synthesis runs on `pool` (the session runtime's TTS pool), one connection's sentences in order; the I/O
// thread only queues work. Info: one `tts` program with the engine's voices and supports_synthesize_streaming.
class TtsService final : public WyomingService {
 public:
  // `pool` must outlive the service and every connection opened from it.
  TtsService(tts::TtsEnginePtr engine, session::TaskPool& pool, TtsServiceOptions options = {});

  void describe(nlohmann::json& info_data) const override;
  std::unique_ptr<ServiceHandler> open(EventWriterPtr writer) override;

 private:
  tts::TtsEnginePtr engine_;
  session::TaskPool& pool_;
  TtsServiceOptions options_;
};

}  // namespace lv::wyoming
