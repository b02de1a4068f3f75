// Loads the configured engines into a running server: creates each, mounts its routes, reports its state.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/engine_setup.h"
#include "app/loaded_engines.h"
#include "config/config.h"
#include "engine/engine_status.h"
#include "server/router.h"

namespace lv::app {

struct EngineLoaderDeps {
  const config::Config* config = nullptr;
  const EngineSetup* setup = nullptr;
  engine::EngineStatusBoard* board = nullptr;
  server::Router* router = nullptr;  // null: engines are loaded without mounting routes (`converse`)
  LoadedEngines* loaded = nullptr;
};

// The one engine loading policy of the server and every command: creates and warms up one engine (its
// registered fallback when it cannot be created) and mounts the routes it serves; on success it replaces what `loaded`
// held for that kind. An engine that fails is reported in the returned status (degraded, with a detail for
// `doctor` and a short summary for people) and `loaded` keeps what it had.
engine::EngineStatus load_engine(const EngineLoaderDeps& deps, engine::EngineKind kind, const std::string& url);

// Loads every engine of `engines` in turn, logging and posting each status to the board. An engine that
// fails is left out: the server still starts with what works (graceful degradation).
void load_engines(const EngineLoaderDeps& deps, const std::vector<std::pair<engine::EngineKind, std::string>>& engines);

// Loads the kinds whose URL differs between `before` and `after` (e.g. models downloaded since start-up), and
// those the board shows degraded, and returns the kinds swapped in; one that fails keeps what it had.
std::vector<engine::EngineKind> swap_changed_engines(const EngineLoaderDeps& deps, const config::Config& before,
                                                     const config::Config& after);

// A short phrase for people describing a status: "basic (the Silero model is not installed)", "loading".
// `engine_name` is how people call the engine ("Silero").
std::string status_summary(const engine::EngineStatus& status, std::string_view engine_name);

}  // namespace lv::app
