// How any transport (the realtime WebSocket, a Wyoming server, a local microphone) gets voice sessions from
// the loaded engines, without knowing how engines load or what its wire format is.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "history/history_recorder.h"
#include "session/session_events.h"
#include "session/session_options.h"
#include "session/session_runtime.h"
#include "session/voice_session.h"

namespace lv::session {

// Creates the voice session of a new connection (not started yet); nullptr while none can be made (the
// engines still load, or there is no speech recognizer). Called on a transport's thread: it must only build
// objects, never load models.
using SessionFactory = std::function<VoiceSessionPtr(const std::string& session_id, EventSink sink)>;

// What sessions are made of.
struct SessionSource {
  std::function<bool()> ready;              // false while the engines still load; empty: always ready
  std::function<SessionEngines()> engines;  // the engines loaded now, with the status lines sessions show
  std::shared_ptr<SessionRuntime> runtime;  // the executors every session shares
  history::HistoryRecorderPtr history;      // may be null
  SessionOptions defaults;
};

// Sessions on `source`: none before it is ready, and none (logged with the fix) without a VAD and an STT.
SessionFactory make_session_factory(SessionSource source);

}  // namespace lv::session
