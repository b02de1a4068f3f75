#include "tools/calculate_tool.h"

#include "tools/calculator.h"

namespace lv::tools {

std::string CalculateTool::description() const {
  return "Computes arithmetic exactly (+ - * / ^ %, parentheses, decimals) and converts units of length, mass, "
         "volume, time and temperature";
}

nlohmann::json CalculateTool::parameters() const {
  return {{"type", "object"},
          {"properties",
           {{"expression",
             {{"type", "string"},
              {"description", "Arithmetic such as \"(2 + 3) * 4\", or a conversion such as \"5 km in miles\""}}}}},
          {"required", {"expression"}}};
}

ToolResult CalculateTool::run(const nlohmann::json& arguments, std::stop_token /*stop*/) const {
  const std::string expression = arguments.at("expression").get<std::string>();
  const Calculation result = calculate(expression);
  nlohmann::json content = {{"expression", expression},
                            {"result", result.text},
                            {"exact", result.exact},
                            {"value", static_cast<double>(result.value)}};
  if (result.unit) content["unit"] = std::string(result.unit->name);
  return ToolResult::ok(std::move(content));
}

}  // namespace lv::tools
