#include "tools/tool.h"

#include <exception>

#include "tools/argument_check.h"
#include "util/error.h"

namespace lv::tools {

ToolResult Tool::invoke(const nlohmann::json& arguments, std::stop_token stop) const {
  if (auto problem = check_arguments(parameters(), arguments)) {
    return ToolResult::error(name() + ": " + *problem);
  }
  try {
    return run(arguments, std::move(stop));
  } catch (const Error& e) {
    return ToolResult::error(name() + ": " + e.full_message());
  } catch (const std::exception& e) {
    return ToolResult::error(name() + " failed: " + e.what());
  }
}

}  // namespace lv::tools
