// Wall-clock readings in a time zone: ISO 8601 text, spoken forms, and parsing the local times tools accept.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "tools/time_zone.h"

namespace lv::tools {

// The wall clock as milliseconds since the Unix epoch (util::epoch_ms, or a fake one in tests).
using WallClock = std::function<std::int64_t()>;

// "2026-12-03T17:05:09+01:00".
std::string iso_local(const TimeZone& zone, std::int64_t epoch_ms);
// "5:05 PM".
std::string spoken_time(std::chrono::local_seconds local);
// "Thursday, December 3, 2026".
std::string spoken_date(std::chrono::local_seconds local);

// The instant (epoch ms) a local time names: "2026-12-03T18:30", "2026-12-03 18:30:00", or a time of day
// alone ("18:30", "18:30:15"), which is its next occurrence after `now_ms`. A trailing offset ("Z",
// "+01:00") is honoured. nullopt for text in another form or an impossible date.
std::optional<std::int64_t> parse_local_time(std::string_view text, const TimeZone& zone, std::int64_t now_ms);

}  // namespace lv::tools
