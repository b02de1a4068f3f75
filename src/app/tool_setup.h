// The tools as the configuration describes them, for `serve`: the time zone and the running timer scheduler.
#pragma once

#include <memory>

#include "config/config.h"
#include "tools/intent_matcher.h"
#include "tools/time_zone.h"
#include "tools/timer_scheduler.h"

namespace lv::app {

struct ToolSetup {
  tools::TimeZone zone = tools::TimeZone::utc();
  std::shared_ptr<tools::TimerScheduler> scheduler;  // null when the timer database cannot be opened
  // The built-in intent templates and tools.intents_file's; the built-ins alone when that file is unusable.
  std::shared_ptr<const tools::IntentMatcher> intents;
};

// Loads tools.time_zone (the system's when empty) and the intent templates, and starts the scheduler on <data
// dir>/timers.sqlite3, logging each timer as it comes due (missed ones too). Problems are logged, never thrown: the
// server runs without timers rather than not at all.
ToolSetup start_tools(const config::Config& config);

}  // namespace lv::app
