// Model download progress for the web UI: GET /v1/models/pull streams it as server-sent events.
#pragma once

#include <memory>

#include "models/pull_monitor.h"
#include "server/router.h"

namespace lv::api {

// Events: "progress" (one file: model, file, have_bytes, total_bytes, bytes_per_s, eta_s, done), then one
// of "done", "error" (with message) or "idle" (no download was asked for), after which the stream ends.
void add_model_routes(server::Router& router, std::shared_ptr<const models::PullMonitor> monitor);

}  // namespace lv::api
