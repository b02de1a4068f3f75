// Model downloads for the web UI: what is installed, starting the recommended download, and its progress.
#pragma once

#include <memory>

#include "models/model_downloads.h"
#include "models/pull_monitor.h"
#include "server/router.h"

namespace lv::api {

// Events: "progress" (one file: model, file, have_bytes, total_bytes, bytes_per_s, eta_s, done), then one
// of "done", "error" (with message) or "idle" (no download was asked for), after which the stream ends.
void add_model_routes(server::Router& router, std::shared_ptr<const models::PullMonitor> monitor);

// With downloads: also GET /v1/models/catalog (every catalog model with its size, licence and whether it is
// installed; the recommended profile's missing ones and their total size) and POST /v1/models/pull
// (starts downloading the profile's missing models: 202, or 200 when nothing is missing, 409 when offline).
void add_model_routes(server::Router& router, std::shared_ptr<const models::PullMonitor> monitor,
                      const std::shared_ptr<models::ModelDownloads>& downloads);

}  // namespace lv::api
