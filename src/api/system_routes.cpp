#include "api/system_routes.h"

#include <nlohmann/json.hpp>

#include "util/clock.h"
#include "util/version.h"

namespace lv::api {
namespace {

nlohmann::json engines_json(const std::vector<engine::EngineStatus>& statuses) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& status : statuses) {
    list.push_back({{"kind", engine::kind_name(status.kind)},
                    {"url", status.url},
                    {"state", engine::state_name(status.state)},
                    {"detail", status.detail},
                    {"label", engine::kind_label(status.kind)},
                    {"summary", status.summary}});
  }
  return list;
}

}  // namespace

void add_system_routes(server::Router& router, SystemRoutesContext context) {
  const auto shared = std::make_shared<SystemRoutesContext>(std::move(context));
  const server::RouteOptions cheap{server::RunsOn::io_thread, 0};

  router.add(
      "GET", "/health",
      [shared](const server::HttpRequest&) {
        const nlohmann::json body{
            {"status", "ok"}, {"version", kVersion}, {"uptime_s", util::seconds_since(shared->started_at)}};
        return server::HttpResponse::json(body.dump());
      },
      cheap);

  router.add(
      "GET", "/ready",
      [shared](const server::HttpRequest&) {
        const auto statuses = shared->engines ? shared->engines->snapshot() : std::vector<engine::EngineStatus>{};
        const bool loaded = shared->engines == nullptr || shared->engines->loaded();
        nlohmann::json reasons = nlohmann::json::array();
        bool degraded = false;
        for (const auto& status : statuses) {
          if (status.state == engine::EngineState::loading) {
            reasons.push_back(std::string(engine::kind_name(status.kind)) + " engine is still loading");
          } else if (status.state == engine::EngineState::failed || status.state == engine::EngineState::degraded) {
            degraded = true;
            reasons.push_back(std::string(engine::kind_name(status.kind)) + ": " + status.detail);
          }
        }
        nlohmann::json body{{"status", !loaded    ? "loading"
                                       : degraded ? "degraded"
                                                  : "ready"},
                            {"engines", engines_json(statuses)},
                            {"reasons", reasons}};
        // Degraded still answers 200: sessions work with the engines that loaded (graceful degradation).
        return server::HttpResponse::json(body.dump(), loaded ? 200 : 503);
      },
      cheap);

  router.add(
      "GET", "/metrics",
      [shared](const server::HttpRequest&) {
        shared->metrics->gauge("localvoice_uptime_seconds", "Seconds since the server started")
            .set(util::seconds_since(shared->started_at));
        return server::HttpResponse::text(shared->metrics->render(), "text/plain; version=0.0.4; charset=utf-8");
      },
      cheap);
}

}  // namespace lv::api
