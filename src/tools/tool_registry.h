// The tools on offer, by unique name, with the policy the configuration gives each.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tools/tool.h"
#include "tools/tool_policy.h"

namespace lv::tools {

// Not thread-safe while tools are added; after that, reads may be shared.
class ToolRegistry {
 public:
  // Throws std::invalid_argument for a null tool or a bad name, lv::Error for a name already taken. Names
  // with a '.' ("server.tool") are reserved for tools of external servers and need `allow_namespaced`.
  void add(ToolPtr tool, bool allow_namespaced = false);
  // The tool named `name`, or nullptr.
  ToolPtr find(std::string_view name) const;
  // Every tool, sorted by name.
  std::vector<ToolPtr> list() const;

  // Throws lv::Error naming an override for a tool that is not registered (a typo in the configuration).
  void set_policies(const PolicyOverrides& overrides);
  ToolPolicy policy(std::string_view name) const;

 private:
  std::map<std::string, ToolPtr, std::less<>> tools_;
  std::map<std::string, ToolPolicy, std::less<>> policies_;
};

// True for a valid built-in tool name: 1 to 64 characters of a-z, 0-9 and '_', starting with a letter.
bool is_valid_tool_name(std::string_view name);

}  // namespace lv::tools
