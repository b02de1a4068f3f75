// Numbers as people say them: "five", "twenty five", "one hundred and five", "two and a half", "a", "90", "1.5".
#pragma once

#include <optional>
#include <span>
#include <string>

namespace lv::tools {

// The value of `words` (lower-case, one word each, hyphenated words already split) taken whole, or nullopt
// when they are not one number ("five five", "minutes").
std::optional<double> parse_spoken_number(std::span<const std::string> words);

}  // namespace lv::tools
