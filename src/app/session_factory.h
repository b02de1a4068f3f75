// The server's and `converse`'s engines for voice sessions: loading them, and the session factory over them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/engine_setup.h"
#include "app/loaded_engines.h"
#include "config/config.h"
#include "engine/engine_status.h"
#include "history/history_recorder.h"
#include "session/session_factory.h"
#include "session/session_runtime.h"
#include "session/voice_session.h"

namespace lv::app {

// The board's statuses as the session protocol describes engines.
std::vector<session::EngineNote> engine_notes(const engine::EngineStatusBoard& board);

// The engines of one session, with the status lines its first event shows.
session::SessionEngines session_engines(const EngineSet& loaded, const engine::EngineStatusBoard* board);

struct SessionFactoryDeps {
  std::shared_ptr<LoadedEngines> engines;
  std::shared_ptr<engine::EngineStatusBoard> board;  // sessions start once it is marked loaded
  std::shared_ptr<session::SessionRuntime> runtime;
  history::HistoryRecorderPtr history;  // may be null
  session::SessionOptions defaults;     // config::to_session_options(config.session)
};

// Loads the configured engines for a one-off session (`converse`) by the server's policy (load_engine):
// an engine that cannot be created is replaced by its registered fallback or left out with a warning (the
// session degrades); a failing STT throws lv::Error.
EngineSet load_engine_set(const config::Config& config, const EngineSetup& setup);

// What sessions of the server are made of: the engines loaded now, ready once the board is marked loaded.
session::SessionSource make_session_source(SessionFactoryDeps deps);

// The sessions of every transport of the server (the realtime endpoint today): none while engines load,
// nor when no VAD/STT could be loaded.
session::SessionFactory make_session_factory(SessionFactoryDeps deps);

}  // namespace lv::app
