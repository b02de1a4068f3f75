// A pending timer or reminder as stored, and the event of one coming due.
#pragma once

#include <cstdint>
#include <string>

namespace lv::tools {

enum class TimerKind { timer, reminder };

struct TimerEntry {
  std::int64_t id = 0;
  TimerKind kind = TimerKind::timer;
  std::string label;  // a timer's name ("pasta") or a reminder's text; may be empty for a timer
  std::int64_t created_at_ms = 0;
  std::int64_t due_at_ms = 0;
  std::int64_t duration_ms = 0;  // a timer's length; 0 for a reminder

  bool operator==(const TimerEntry&) const = default;
};

struct TimerFired {
  TimerEntry entry;
  // It came due while the program was not running, and is reported late, at start.
  bool missed = false;
  std::int64_t fired_at_ms = 0;
};

}  // namespace lv::tools
