#include "tools/tool_policy.h"

#include "util/error.h"
#include "util/text.h"

namespace lv::tools {

std::string_view policy_name(ToolPolicy policy) {
  switch (policy) {
    case ToolPolicy::allow:
      return "allow";
    case ToolPolicy::confirm:
      return "confirm";
    case ToolPolicy::deny:
      return "deny";
  }
  return "deny";
}

std::optional<ToolPolicy> parse_policy(std::string_view text) {
  if (text == "allow") return ToolPolicy::allow;
  if (text == "confirm") return ToolPolicy::confirm;
  if (text == "deny") return ToolPolicy::deny;
  return std::nullopt;
}

PolicyOverrides policy_overrides(std::string_view allow, std::string_view confirm, std::string_view deny) {
  PolicyOverrides overrides;
  for (const auto& [list, policy] : {std::pair{allow, ToolPolicy::allow}, std::pair{confirm, ToolPolicy::confirm},
                                     std::pair{deny, ToolPolicy::deny}}) {
    std::string_view rest = list;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string name(util::trim(rest.substr(0, comma)));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (name.empty()) continue;
      const auto [it, added] = overrides.by_name.emplace(name, policy);
      if (!added && it->second != policy) {
        throw Error("tool '" + name + "' is in both tools." + std::string(policy_name(it->second)) + " and tools." +
                        std::string(policy_name(policy)),
                    "name each tool in one list only");
      }
    }
  }
  return overrides;
}

}  // namespace lv::tools
