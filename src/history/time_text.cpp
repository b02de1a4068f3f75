#include "history/time_text.h"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace lv::history {
namespace {

struct UtcParts {
  std::tm tm{};
  int millis = 0;
};

UtcParts utc_parts(std::int64_t epoch_ms) {
  // Floor division, so times before 1970 still split into a second and a non-negative millisecond.
  std::int64_t seconds = epoch_ms / 1000;
  std::int64_t millis = epoch_ms % 1000;
  if (millis < 0) {
    millis += 1000;
    --seconds;
  }
  UtcParts parts;
  const auto time = static_cast<std::time_t>(seconds);
  gmtime_r(&time, &parts.tm);
  parts.millis = static_cast<int>(millis);
  return parts;
}

}  // namespace

std::string format_utc_minute(std::int64_t epoch_ms) {
  const UtcParts parts = utc_parts(epoch_ms);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d UTC", parts.tm.tm_year + 1900, parts.tm.tm_mon + 1,
                parts.tm.tm_mday, parts.tm.tm_hour, parts.tm.tm_min);
  return text;
}

std::string format_iso8601(std::int64_t epoch_ms) {
  const UtcParts parts = utc_parts(epoch_ms);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm.tm_year + 1900, parts.tm.tm_mon + 1,
                parts.tm.tm_mday, parts.tm.tm_hour, parts.tm.tm_min, parts.tm.tm_sec, parts.millis);
  return text;
}

std::string format_duration(double duration_ms) {
  if (!std::isfinite(duration_ms) || duration_ms < 0) {
    duration_ms = 0;
  }
  char text[64];
  if (duration_ms < 1000) {
    std::snprintf(text, sizeof text, "%.0f ms", duration_ms);
  } else if (duration_ms < 60000) {
    std::snprintf(text, sizeof text, "%.1f s", duration_ms / 1000);
  } else if (duration_ms < 3600000) {
    const auto total_s = static_cast<long long>(duration_ms / 1000);
    std::snprintf(text, sizeof text, "%lld min %lld s", total_s / 60, total_s % 60);
  } else {
    const auto total_min = static_cast<long long>(duration_ms / 60000);
    std::snprintf(text, sizeof text, "%lld h %lld min", total_min / 60, total_min % 60);
  }
  return text;
}

}  // namespace lv::history
