// Registers the built-in tools: get_time, get_date, calculate, and the timer tools when a scheduler is given.
#pragma once

#include <memory>

#include "tools/local_time.h"
#include "tools/time_zone.h"
#include "tools/timer_scheduler.h"
#include "tools/tool_registry.h"

namespace lv::tools {

struct BuiltinToolsContext {
  TimeZone zone = TimeZone::utc();
  WallClock clock;                            // default: util::epoch_ms
  std::shared_ptr<TimerScheduler> scheduler;  // null: no timer tools
};

void add_builtin_tools(ToolRegistry& registry, const BuiltinToolsContext& context);

}  // namespace lv::tools
