#include "api/timer_routes.h"

#include <utility>

#include "api/tools_json.h"
#include "util/error.h"

namespace lv::api {

void add_timer_routes(server::Router& router, std::shared_ptr<tools::TimerScheduler> scheduler, tools::TimeZone zone) {
  router.add(
      "GET", "/v1/timers", [scheduler = std::move(scheduler), zone = std::move(zone)](const server::HttpRequest&) {
        try {
          const auto entries = scheduler->list();
          return server::HttpResponse::json(timer_list_json(entries, zone, scheduler->now_ms())
                                                .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        } catch (const Error& e) {
          throw server::HttpError(500, "timers unavailable: " + e.full_message(), "server_error", "timers_unavailable");
        }
      });
}

}  // namespace lv::api
