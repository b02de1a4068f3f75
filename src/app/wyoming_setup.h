// The Wyoming server of `serve`: the services offered over the engines loaded now, and the listeners of
// wyoming.uri.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/loaded_engines.h"
#include "config/config.h"
#include "engine/engine_catalog.h"
#include "session/session_factory.h"
#include "session/session_runtime.h"
#include "wyoming/wyoming_server.h"
#include "wyoming/wyoming_service.h"

namespace lv::app {

// What the services read: the engines as loaded at each request (they may be swapped in later), the pools the
// voice sessions share, and the schemes of this build (their descriptions go into `info`).
struct WyomingContext {
  std::shared_ptr<LoadedEngines> loaded;
  std::shared_ptr<session::SessionRuntime> runtime;
  std::vector<engine::SchemeInfo> schemes;  // every kind
  session::SessionSource sessions;          // what the conversation (handle) service's sessions are made of
};

// One service per line; the connection offers each event to the services in this order, so a service that takes
// audio only after its own request (wake's `detect`) goes before asr, which takes any audio.
std::vector<wyoming::WyomingServicePtr> make_wyoming_services(const WyomingContext& context);

// The URIs of wyoming.uri; throws config::ConfigError (key wyoming.uri) naming a malformed one and the fix.
std::vector<std::string> wyoming_uris(const config::Config& config);

// Starts the Wyoming server when wyoming.uri names any endpoint (null otherwise); throws lv::Error naming the
// URI that cannot be bound.
std::unique_ptr<wyoming::WyomingServer> start_wyoming(const config::Config& config, const WyomingContext& context);

}  // namespace lv::app
