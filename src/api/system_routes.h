// Liveness, readiness and metrics endpoints: /health, /ready, /metrics.
#pragma once

#include <chrono>
#include <memory>

#include "engine/engine_status.h"
#include "metrics/registry.h"
#include "server/router.h"

namespace lv::api {

struct SystemRoutesContext {
  std::chrono::steady_clock::time_point started_at = std::chrono::steady_clock::now();
  std::shared_ptr<const engine::EngineStatusBoard> engines;
  metrics::RegistryPtr metrics;
};

void add_system_routes(server::Router& router, SystemRoutesContext context);

}  // namespace lv::api
