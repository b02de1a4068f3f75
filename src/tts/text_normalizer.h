// English text normalization for speech: numbers, ordinals, times, currency, percentages and units in words.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lv::tts {

// Rewrites what engines read badly into words, leaving everything else untouched:
//   "$3.50" -> "three dollars and fifty cents"      "€5" -> "five euros"      "50%" -> "fifty percent"
//   "3:30 pm" -> "three thirty pee em"              "21st" -> "twenty-first"  "1,234" -> "one thousand ..."
//   "3.5 km" -> "three point five kilometers"       "5 °C" -> "five degrees Celsius"
//   "1990s" -> "nineteen nineties"                  "-4" -> "minus four"      "&" -> "and"
// Tokens glued to letters ("mp3", "A4") and version strings ("1.2.3") are left as they are.
std::string normalize_for_speech(std::string_view text);

// Whole-text preparation for engines: Markdown removed, then numbers, currency and units spelled out.
std::string prepare_for_speech(std::string_view text);

// 0 -> "zero", 42 -> "forty-two", 1'000'001 -> "one million one" (American style, no "and").
std::string number_to_words(std::uint64_t number);
// 1 -> "first", 22 -> "twenty-second", 100 -> "one hundredth".
std::string ordinal_to_words(std::uint64_t number);
// 1984 -> "nineteen eighty-four", 2005 -> "two thousand five", 1900 -> "nineteen hundred".
std::string year_to_words(std::uint64_t year);

}  // namespace lv::tts
