#include "tools/builtin_tools.h"

#include "tools/calculate_tool.h"
#include "tools/time_tools.h"
#include "tools/timer_tools.h"
#include "util/clock.h"

namespace lv::tools {

void add_builtin_tools(ToolRegistry& registry, const BuiltinToolsContext& context) {
  const WallClock clock = context.clock ? context.clock : WallClock(&util::epoch_ms);
  registry.add(std::make_shared<GetTimeTool>(context.zone, clock));
  registry.add(std::make_shared<GetDateTool>(context.zone, clock));
  registry.add(std::make_shared<CalculateTool>());
  if (context.scheduler) {
    registry.add(std::make_shared<SetTimerTool>(context.scheduler, context.zone));
    registry.add(std::make_shared<SetReminderTool>(context.scheduler, context.zone));
    registry.add(std::make_shared<ListTimersTool>(context.scheduler, context.zone));
    registry.add(std::make_shared<CancelTimerTool>(context.scheduler, context.zone));
  }
}

}  // namespace lv::tools
