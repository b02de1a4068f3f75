// Human-readable times for transcripts and listings: UTC date-times and short durations.
#pragma once

#include <cstdint>
#include <string>

namespace lv::history {

// "2026-11-25 01:40 UTC" (UTC so that a transcript reads the same wherever it is opened).
std::string format_utc_minute(std::int64_t epoch_ms);
// "2026-11-25T01:40:51.250Z": exact, for machine-readable output.
std::string format_iso8601(std::int64_t epoch_ms);
// "850 ms", "4.2 s", "3 min 12 s", "1 h 5 min".
std::string format_duration(double duration_ms);

}  // namespace lv::history
