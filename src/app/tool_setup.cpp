#include "app/tool_setup.h"

#include "tools/timer_store.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::app {

ToolSetup start_tools(const config::Config& config) {
  ToolSetup setup;
  try {
    setup.zone = tools::TimeZone::load(config.tools.time_zone);
  } catch (const Error& e) {
    log::error("time zone unavailable; tools use UTC", {{"error", e.full_message()}});
  }
  try {
    setup.intents = std::make_shared<const tools::IntentMatcher>(tools::IntentMatcher::load(config.tools.intents_file));
  } catch (const Error& e) {
    log::error("intents file unusable; using the built-in templates", {{"error", e.full_message()}});
    setup.intents = std::make_shared<const tools::IntentMatcher>(tools::IntentMatcher::builtin());
  }
  try {
    auto store = std::make_shared<tools::TimerStore>(tools::timer_database_path(config.paths.data_dir));
    setup.scheduler = std::make_shared<tools::TimerScheduler>(std::move(store), tools::TimerScheduler::Options{});
    setup.scheduler->subscribe([](const tools::TimerFired& fired) {
      log::info(fired.missed ? "timer missed while stopped" : "timer due",
                {{"timer_id", fired.entry.id},
                 {"kind", fired.entry.kind == tools::TimerKind::reminder ? "reminder" : "timer"},
                 {"label", fired.entry.label}});
    });
    setup.scheduler->start();
  } catch (const Error& e) {
    log::error("timers unavailable", {{"error", e.full_message()}});
    setup.scheduler.reset();
  }
  return setup;
}

}  // namespace lv::app
