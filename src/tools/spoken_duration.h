// Durations and times of day as people say them: "five minutes", "one hour and thirty minutes",
// "an hour and a half", "two and a half minutes", "90 seconds"; "five thirty pm", "noon", "half past six".
#pragma once

#include <optional>
#include <span>
#include <string>

namespace lv::tools {

// Seconds, or nullopt when `words` (lower-case, one word each) are not a whole duration.
std::optional<double> parse_spoken_duration(std::span<const std::string> words);

// Minutes after midnight (0..1439), or nullopt. Without am/pm the hour is taken as said (0-23).
std::optional<int> parse_spoken_time(std::span<const std::string> words);

}  // namespace lv::tools
