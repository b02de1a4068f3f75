#include "tools/time_tools.h"

#include <utility>

namespace lv::tools {

std::string GetTimeTool::description() const { return "Tells the current local time"; }

nlohmann::json GetTimeTool::parameters() const {
  return {{"type", "object"}, {"properties", nlohmann::json::object()}};
}

ToolResult GetTimeTool::run(const nlohmann::json& /*arguments*/, std::stop_token /*stop*/) const {
  const std::int64_t now_ms = clock_();
  const std::string iso = iso_local(zone_, now_ms);
  const auto local = zone_.to_local(std::chrono::sys_seconds{std::chrono::seconds{now_ms / 1000}});
  return ToolResult::ok({{"time", iso.substr(11, 5)},
                         {"spoken", spoken_time(local)},
                         {"iso", iso},
                         {"time_zone", zone_.name()},
                         {"utc_offset", iso.substr(19)}});
}

std::string GetDateTool::description() const { return "Tells today's date and weekday"; }

nlohmann::json GetDateTool::parameters() const {
  return {{"type", "object"}, {"properties", nlohmann::json::object()}};
}

ToolResult GetDateTool::run(const nlohmann::json& /*arguments*/, std::stop_token /*stop*/) const {
  const std::int64_t now_ms = clock_();
  const auto local = zone_.to_local(std::chrono::sys_seconds{std::chrono::seconds{now_ms / 1000}});
  const std::string spoken = spoken_date(local);
  return ToolResult::ok({{"date", iso_local(zone_, now_ms).substr(0, 10)},
                         {"weekday", spoken.substr(0, spoken.find(','))},
                         {"spoken", spoken},
                         {"time_zone", zone_.name()}});
}

}  // namespace lv::tools
