// Whether a tool may run on its own, only after the user confirms, or never.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace lv::tools {

enum class ToolPolicy { allow, confirm, deny };

std::string_view policy_name(ToolPolicy policy);
// "allow", "confirm" or "deny"; nullopt for anything else.
std::optional<ToolPolicy> parse_policy(std::string_view text);

// Per-tool policies from the configuration (tools.allow / tools.confirm / tools.deny); a tool in none of
// them keeps its own default_policy().
struct PolicyOverrides {
  std::map<std::string, ToolPolicy> by_name;
};

// The overrides the three comma-separated lists give. Throws lv::Error for a tool named in two of them.
PolicyOverrides policy_overrides(std::string_view allow, std::string_view confirm, std::string_view deny);

}  // namespace lv::tools
