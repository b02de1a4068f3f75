// What a tool call gives back: JSON content for the caller, or an error the caller can say out loud.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <utility>

namespace lv::tools {

struct ToolResult {
  nlohmann::json content = nlohmann::json::object();
  bool is_error = false;
  std::string error_message;

  static ToolResult ok(nlohmann::json content) { return ToolResult{std::move(content), false, {}}; }
  static ToolResult error(std::string message) {
    return ToolResult{nlohmann::json{{"error", message}}, true, std::move(message)};
  }
};

}  // namespace lv::tools
