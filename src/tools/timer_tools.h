// The timer tools: set_timer, set_reminder, list_timers and cancel_timer, over one TimerScheduler. They share
// how an entry is described, so they live together.
#pragma once

#include <memory>

#include "tools/time_zone.h"
#include "tools/timer_scheduler.h"
#include "tools/tool.h"

namespace lv::tools {

// An entry as tool content: {"id","kind","label","due_at" (local ISO 8601),"remaining_s"[,"duration_s"]}.
nlohmann::json timer_content(const TimerEntry& entry, const TimeZone& zone, std::int64_t now_ms);

class TimerTool : public Tool {
 public:
  TimerTool(std::shared_ptr<TimerScheduler> scheduler, TimeZone zone)
      : scheduler_(std::move(scheduler)), zone_(std::move(zone)) {}

 protected:
  std::shared_ptr<TimerScheduler> scheduler_;
  TimeZone zone_;
};

class SetTimerTool final : public TimerTool {
 public:
  using TimerTool::TimerTool;
  std::string name() const override { return "set_timer"; }
  std::string description() const override { return "Starts a countdown timer, optionally with a label"; }
  nlohmann::json parameters() const override;

 protected:
  ToolResult run(const nlohmann::json& arguments, std::stop_token stop) const override;
};

class SetReminderTool final : public TimerTool {
 public:
  using TimerTool::TimerTool;
  std::string name() const override { return "set_reminder"; }
  std::string description() const override { return "Reminds the user of something at a local time"; }
  nlohmann::json parameters() const override;

 protected:
  ToolResult run(const nlohmann::json& arguments, std::stop_token stop) const override;
};

class ListTimersTool final : public TimerTool {
 public:
  using TimerTool::TimerTool;
  std::string name() const override { return "list_timers"; }
  std::string description() const override { return "Lists the pending timers and reminders with the time left"; }
  nlohmann::json parameters() const override;

 protected:
  ToolResult run(const nlohmann::json& arguments, std::stop_token stop) const override;
};

class CancelTimerTool final : public TimerTool {
 public:
  using TimerTool::TimerTool;
  std::string name() const override { return "cancel_timer"; }
  std::string description() const override {
    return "Cancels a timer or reminder by id or label; without either, the only one pending";
  }
  nlohmann::json parameters() const override;

 protected:
  ToolResult run(const nlohmann::json& arguments, std::stop_token stop) const override;
};

}  // namespace lv::tools
