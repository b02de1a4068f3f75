// calculate: exact arithmetic and unit conversion ("0.1 + 0.2", "5 km in miles").
#pragma once

#include "tools/tool.h"

namespace lv::tools {

// {"expression":"0.1+0.2","result":"0.3","exact":true,"value":0.3[,"unit":"mile"]}
class CalculateTool final : public Tool {
 public:
  std::string name() const override { return "calculate"; }
  std::string description() const override;
  nlohmann::json parameters() const override;

 protected:
  ToolResult run(const nlohmann::json& arguments, std::stop_token stop) const override;
};

}  // namespace lv::tools
