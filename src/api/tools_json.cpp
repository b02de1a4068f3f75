#include "api/tools_json.h"

#include <string>

#include "tools/timer_tools.h"

namespace lv::api {

nlohmann::json tool_list_json(const tools::ToolRegistry& registry) {
  nlohmann::json data = nlohmann::json::array();
  for (const auto& tool : registry.list()) {
    data.push_back({{"name", tool->name()},
                    {"description", tool->description()},
                    {"parameters", tool->parameters()},
                    {"policy", std::string(tools::policy_name(registry.policy(tool->name())))}});
  }
  return {{"object", "list"}, {"data", std::move(data)}};
}

nlohmann::json timer_list_json(const std::vector<tools::TimerEntry>& entries, const tools::TimeZone& zone,
                               std::int64_t now_ms) {
  nlohmann::json data = nlohmann::json::array();
  // The same fields the list_timers tool gives, so a client and the assistant see one shape.
  for (const auto& entry : entries) data.push_back(tools::timer_content(entry, zone, now_ms));
  return {{"object", "list"}, {"data", std::move(data)}};
}

}  // namespace lv::api
