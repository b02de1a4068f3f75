// The engines this build offers, per kind, and what the configured engine URLs resolve to.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "engine/engine_registry.h"
#include "engine/engine_status.h"

namespace lv::app {

// What main registered: the schemes each engine kind can be created from in this build.
struct EngineSetup {
  std::map<engine::EngineKind, std::vector<engine::SchemeInfo>> schemes;
};

// The configured URL of each engine kind, in the order they are listed to users.
std::vector<std::pair<engine::EngineKind, std::string>> configured_engines(const config::Config& config);

// Checks one configured engine against what this build offers (without loading it): absent when none is
// configured, failed with the fix when the URL cannot work, ready when it can be created.
engine::EngineStatus check_engine(const EngineSetup& setup, engine::EngineKind kind, const std::string& url);

}  // namespace lv::app
