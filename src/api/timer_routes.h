// The pending timers and reminders over HTTP.
#pragma once

#include <memory>

#include "server/router.h"
#include "tools/time_zone.h"
#include "tools/timer_scheduler.h"

namespace lv::api {

// GET /v1/timers -> {"object":"list","data":[{"id","kind","label","due_at","remaining_s"...}]}, soonest first.
// A damaged or unreadable database is a 500 whose message says how to fix it. Runs on the worker pool.
void add_timer_routes(server::Router& router, std::shared_ptr<tools::TimerScheduler> scheduler, tools::TimeZone zone);

}  // namespace lv::api
