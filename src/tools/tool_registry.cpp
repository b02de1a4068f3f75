#include "tools/tool_registry.h"

#include <stdexcept>

#include "util/error.h"

namespace lv::tools {

bool is_valid_tool_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() < 'a' || name.front() > 'z') return false;
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

namespace {

bool is_valid_namespaced(std::string_view name) {
  const auto dot = name.find('.');
  if (dot == std::string_view::npos || name.find('.', dot + 1) != std::string_view::npos) return false;
  const auto server = name.substr(0, dot);
  const auto tool = name.substr(dot + 1);
  for (const char c : server) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return !server.empty() && !tool.empty() && tool.find_first_of(" \t\n") == std::string_view::npos;
}

}  // namespace

void ToolRegistry::add(ToolPtr tool, bool allow_namespaced) {
  if (!tool) throw std::invalid_argument("ToolRegistry::add: null tool");
  const std::string name = tool->name();
  const bool namespaced = name.find('.') != std::string::npos;
  if (namespaced && !allow_namespaced) {
    throw std::invalid_argument("tool name '" + name + "': names with a '.' are reserved for server tools");
  }
  if (namespaced ? !is_valid_namespaced(name) : !is_valid_tool_name(name)) {
    throw std::invalid_argument("tool name '" + name + "' is not valid");
  }
  if (tools_.contains(name)) {
    throw Error("two tools are named '" + name + "'", "give one of them another name");
  }
  tools_.emplace(name, std::move(tool));
}

ToolPtr ToolRegistry::find(std::string_view name) const {
  const auto it = tools_.find(name);
  return it == tools_.end() ? nullptr : it->second;
}

std::vector<ToolPtr> ToolRegistry::list() const {
  std::vector<ToolPtr> out;
  out.reserve(tools_.size());
  for (const auto& [name, tool] : tools_) out.push_back(tool);
  return out;
}

void ToolRegistry::set_policies(const PolicyOverrides& overrides) {
  for (const auto& [name, policy] : overrides.by_name) {
    if (!tools_.contains(name)) {
      std::string known;
      for (const auto& [tool_name, tool] : tools_) known += (known.empty() ? "" : ", ") + tool_name;
      throw Error("tools." + std::string(policy_name(policy)) + " names '" + name + "', which is not a tool",
                  "use one of: " + known + " (`localvoice tools list` shows them)");
    }
  }
  policies_.clear();
  for (const auto& [name, policy] : overrides.by_name) policies_.emplace(name, policy);
}

ToolPolicy ToolRegistry::policy(std::string_view name) const {
  if (const auto it = policies_.find(name); it != policies_.end()) return it->second;
  const auto tool = find(name);
  return tool ? tool->default_policy() : ToolPolicy::deny;
}

}  // namespace lv::tools
