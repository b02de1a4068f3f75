#include "app/tools_command.h"

#include <memory>
#include <ostream>
#include <string>

#include "api/tools_json.h"
#include "tools/builtin_tools.h"
#include "tools/timer_store.h"

namespace lv::app {
namespace {

void list_tools(const ToolsCommandContext& context, bool json) {
  const config::Config config = context.config();
  tools::BuiltinToolsContext builtin;
  builtin.zone = tools::TimeZone::load(config.tools.time_zone);
  // Listing starts nothing: the scheduler is there for the timer tools' descriptions and is never started.
  builtin.scheduler = std::make_shared<tools::TimerScheduler>(
      std::make_shared<tools::TimerStore>(tools::timer_database_path(config.paths.data_dir)),
      tools::TimerScheduler::Options{{}, false});
  tools::ToolRegistry registry;
  tools::add_builtin_tools(registry, builtin);
  registry.set_policies(tools::policy_overrides(config.tools.allow, config.tools.confirm, config.tools.deny));
  std::ostream& out = *context.out;
  if (json) {
    out << api::tool_list_json(registry).dump(2) << "\n";
    return;
  }
  for (const auto& tool : registry.list()) {
    std::string arguments;
    const auto parameters = tool->parameters();
    const nlohmann::json none = nlohmann::json::array();
    const nlohmann::json& required = parameters.contains("required") ? parameters.at("required") : none;
    const nlohmann::json no_properties = nlohmann::json::object();
    const nlohmann::json& properties = parameters.contains("properties") ? parameters.at("properties") : no_properties;
    for (const auto& [name, schema] : properties.items()) {
      bool is_required = false;
      for (const auto& r : required) is_required = is_required || r == name;
      arguments += (arguments.empty() ? "" : ", ") + name + (is_required ? "" : "?") + ": " +
                   schema.value("type", std::string("any"));
    }
    out << tool->name() << " (" << arguments << ") [" << tools::policy_name(registry.policy(tool->name())) << "]\n  "
        << tool->description() << "\n";
  }
}

}  // namespace

CLI::App& add_tools_command(CLI::App& root, ToolsCommandContext context) {
  auto* tools_app = root.add_subcommand("tools", "List the tools the assistant can call");
  tools_app->require_subcommand(1);
  auto* list = tools_app->add_subcommand("list", "Print the built-in tools, their parameters and policies");
  auto json = std::make_shared<bool>(false);
  list->add_flag("--json", *json, "Print JSON: names, descriptions, JSON Schema parameters and policies");
  list->callback([context = std::move(context), json] { list_tools(context, *json); });
  return *tools_app;
}

}  // namespace lv::app
