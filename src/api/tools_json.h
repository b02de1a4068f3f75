// The JSON shapes of the tool list (`localvoice tools list --json`) and the timer list (GET /v1/timers).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

#include "tools/time_zone.h"
#include "tools/timer_entry.h"
#include "tools/tool_registry.h"

namespace lv::api {

// {"object":"list","data":[{"name","description","parameters" (JSON Schema),"policy"}...]}, sorted by name.
nlohmann::json tool_list_json(const tools::ToolRegistry& registry);

// {"object":"list","data":[{"id","kind","label","due_at","remaining_s"[,"duration_s"]}...]}, soonest first.
nlohmann::json timer_list_json(const std::vector<tools::TimerEntry>& entries, const tools::TimeZone& zone,
                               std::int64_t now_ms);

}  // namespace lv::api
