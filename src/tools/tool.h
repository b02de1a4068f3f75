// A tool the assistant can call: its name, description, JSON Schema parameters and policy hint, and its work.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <stop_token>
#include <string>

#include "tools/tool_policy.h"
#include "tools/tool_result.h"

namespace lv::tools {

class Tool {
 public:
  virtual ~Tool() = default;

  // Unique within a registry: lower-case letters, digits and '_' ("set_timer").
  virtual std::string name() const = 0;
  // One sentence for a language model or a person ("Starts a countdown timer").
  virtual std::string description() const = 0;
  // A JSON Schema object: {"type":"object","properties":{...},"required":[...]}.
  virtual nlohmann::json parameters() const = 0;
  // The policy used when the configuration says nothing about this tool.
  virtual ToolPolicy default_policy() const { return ToolPolicy::allow; }

  // Checks `arguments` against parameters(), then runs. Never throws: bad arguments, an lv::Error or any
  // other exception from the work come back as an error result naming the problem.
  ToolResult invoke(const nlohmann::json& arguments, std::stop_token stop) const;

 protected:
  // The work, with arguments already known to fit the schema. May throw lv::Error for failures.
  virtual ToolResult run(const nlohmann::json& arguments, std::stop_token stop) const = 0;
};

using ToolPtr = std::shared_ptr<const Tool>;

}  // namespace lv::tools
