// The Wyoming `asr` service: transcribe, then audio-start/chunk/stop, answered with a transcript (and
// transcript-start/chunk/stop when the engine gives partial results), decoded on the stt pool as it arrives.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "session/session_runtime.h"
#include "stt/stt_engine.h"
#include "wyoming/wyoming_service.h"

namespace lv::wyoming {

// The speech-to-text engine loaded now (it may be swapped in later, e.g. after a download).
struct CurrentStt {
  stt::SttEnginePtr engine;  // null while none is loaded
  std::string url;           // redacted engine URL, e.g. "pocketsphinx:en-us"
  std::string description;   // what the engine is (its scheme's description)
};

struct AsrServiceOptions {
  double max_utterance_s = 60.0;  // audio beyond this is not decoded (logged once per utterance)
  std::string version;            // the program version, in info
};

class AsrService final : public WyomingService, public std::enable_shared_from_this<AsrService> {
 public:
  AsrService(std::function<CurrentStt()> current, std::shared_ptr<session::SessionRuntime> runtime,
             AsrServiceOptions options = {});

  void describe(nlohmann::json& info_data) const override;
  std::unique_ptr<ServiceHandler> open(EventWriterPtr writer) override;

 private:
  std::function<CurrentStt()> current_;
  std::shared_ptr<session::SessionRuntime> runtime_;
  AsrServiceOptions options_;
};

}  // namespace lv::wyoming
