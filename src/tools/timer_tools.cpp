#include "tools/timer_tools.h"

#include <cmath>

#include "tools/local_time.h"
#include "util/error.h"
#include "util/text.h"

namespace lv::tools {
namespace {

using nlohmann::json;

constexpr double kMaxTimerSeconds = 7.0 * 24 * 3600;

std::int64_t remaining_s(const TimerEntry& entry, std::int64_t now_ms) {
  const std::int64_t left_ms = entry.due_at_ms - now_ms;
  return left_ms <= 0 ? 0 : (left_ms + 999) / 1000;
}

}  // namespace

json timer_content(const TimerEntry& entry, const TimeZone& zone, std::int64_t now_ms) {
  json content = {{"id", entry.id},
                  {"kind", entry.kind == TimerKind::reminder ? "reminder" : "timer"},
                  {"label", entry.label},
                  {"due_at", iso_local(zone, entry.due_at_ms)},
                  {"remaining_s", remaining_s(entry, now_ms)}};
  if (entry.kind == TimerKind::timer) content["duration_s"] = static_cast<double>(entry.duration_ms) / 1000.0;
  return content;
}

json SetTimerTool::parameters() const {
  return {{"type", "object"},
          {"properties",
           {{"duration_s",
             {{"type", "number"}, {"minimum", 1}, {"maximum", kMaxTimerSeconds}, {"description", "Length in seconds"}}},
            {"label", {{"type", "string"}, {"description", "A name for the timer, e.g. \"pasta\""}}}}},
          {"required", {"duration_s"}}};
}

ToolResult SetTimerTool::run(const json& arguments, std::stop_token /*stop*/) const {
  const double seconds = arguments.at("duration_s").get<double>();
  const std::string label(util::trim(arguments.value("label", std::string())));
  const auto entry = scheduler_->add_timer(std::llround(seconds * 1000.0), label);
  return ToolResult::ok(timer_content(entry, zone_, scheduler_->now_ms()));
}

json SetReminderTool::parameters() const {
  return {
      {"type", "object"},
      {"properties",
       {{"at",
         {{"type", "string"},
          {"description", "Local time, ISO 8601 (\"2026-12-03T18:30\") or a time of day (\"18:30\": the next one)"}}},
        {"text", {{"type", "string"}, {"description", "What to remind of"}}}}},
      {"required", {"at", "text"}}};
}

ToolResult SetReminderTool::run(const json& arguments, std::stop_token /*stop*/) const {
  const std::string at = arguments.at("at").get<std::string>();
  const std::string text(util::trim(arguments.at("text").get<std::string>()));
  if (text.empty()) return ToolResult::error("set_reminder: 'text' must not be empty");
  const std::int64_t now = scheduler_->now_ms();
  const auto due = parse_local_time(at, zone_, now);
  if (!due) {
    return ToolResult::error("set_reminder: 'at' must be a local time like 2026-12-03T18:30 or 18:30, not '" + at +
                             "'");
  }
  if (*due <= now) return ToolResult::error("set_reminder: " + at + " is in the past");
  const auto entry = scheduler_->add_reminder(*due, text);
  return ToolResult::ok(timer_content(entry, zone_, now));
}

json ListTimersTool::parameters() const { return {{"type", "object"}, {"properties", json::object()}}; }

ToolResult ListTimersTool::run(const json& /*arguments*/, std::stop_token /*stop*/) const {
  const std::int64_t now = scheduler_->now_ms();
  json timers = json::array();
  for (const auto& entry : scheduler_->list()) timers.push_back(timer_content(entry, zone_, now));
  return ToolResult::ok({{"timers", std::move(timers)}});
}

json CancelTimerTool::parameters() const {
  return {{"type", "object"},
          {"properties",
           {{"id", {{"type", "integer"}, {"description", "The id list_timers gave"}}},
            {"label", {{"type", "string"}, {"description", "The timer's label or the reminder's text"}}}}}};
}

ToolResult CancelTimerTool::run(const json& arguments, std::stop_token /*stop*/) const {
  const std::int64_t now = scheduler_->now_ms();
  const auto pending = scheduler_->list();
  std::vector<TimerEntry> chosen;
  if (arguments.contains("id")) {
    const auto id = static_cast<std::int64_t>(arguments.at("id").get<double>());
    for (const auto& entry : pending) {
      if (entry.id == id) chosen.push_back(entry);
    }
    if (chosen.empty()) return ToolResult::error("cancel_timer: there is no timer with id " + std::to_string(id));
  } else if (arguments.contains("label")) {
    const std::string label = util::ascii_lower(util::trim(arguments.at("label").get<std::string>()));
    for (const auto& entry : pending) {
      if (util::ascii_lower(entry.label) == label) chosen.push_back(entry);
    }
    if (chosen.empty()) return ToolResult::error("cancel_timer: there is no timer called '" + label + "'");
  } else {
    if (pending.empty()) return ToolResult::error("cancel_timer: no timer is set");
    if (pending.size() > 1) {
      return ToolResult::error("cancel_timer: " + std::to_string(pending.size()) +
                               " timers are set; say which one (by label or id)");
    }
    chosen = pending;
  }
  json cancelled = json::array();
  for (const auto& entry : chosen) {
    if (scheduler_->cancel(entry.id)) cancelled.push_back(timer_content(entry, zone_, now));
  }
  return ToolResult::ok({{"cancelled", std::move(cancelled)}});
}

}  // namespace lv::tools
