// The engines a running program has loaded, shared by its routes and every voice session.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "embed/embedding_engine.h"
#include "llm/llm_engine.h"
#include "session/context_provider.h"
#include "stt/stt_engine.h"
#include "tts/tts_engine.h"
#include "vad/vad_engine.h"

namespace lv::app {

// One snapshot of what is loaded; a null engine was not configured or failed to load.
struct EngineSet {
  vad::VadEnginePtr vad;
  stt::SttEnginePtr stt;
  llm::LlmEnginePtr llm;
  tts::TtsEnginePtr tts;
  embed::EmbeddingEnginePtr embeddings;
  session::ContextProviderPtr context;             // the knowledge base, when one is open
  std::string vad_url, stt_url, llm_url, tts_url;  // redacted, for logs, metrics and history
};

// Written by the loader thread while the server already answers; read by each new session. Thread-safe.
class LoadedEngines {
 public:
  void update(const std::function<void(EngineSet&)>& change) {
    const std::lock_guard lock(mutex_);
    change(set_);
  }
  EngineSet snapshot() const {
    const std::lock_guard lock(mutex_);
    return set_;
  }

 private:
  mutable std::mutex mutex_;
  EngineSet set_;
};

}  // namespace lv::app
