#include "tools/spoken_number.h"

#include <array>
#include <charconv>
#include <string_view>

namespace lv::tools {
namespace {

constexpr std::array<std::string_view, 20> kSmall = {
    "zero", "one",    "two",    "three",    "four",     "five",    "six",     "seven",     "eight",    "nine",
    "ten",  "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
constexpr std::array<std::string_view, 8> kTens = {"twenty", "thirty",  "forty",  "fifty",
                                                   "sixty",  "seventy", "eighty", "ninety"};

std::optional<double> digits_value(std::string_view word) {
  if (word.empty() || (word.front() < '0' || word.front() > '9')) return std::nullopt;
  double value = 0;
  const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), value);
  if (error != std::errc{} || end != word.data() + word.size()) return std::nullopt;
  return value;
}

int small_value(std::string_view word) {
  for (std::size_t i = 0; i < kSmall.size(); ++i) {
    if (kSmall[i] == word) return static_cast<int>(i);
  }
  if (word == "oh") return 0;
  return -1;
}

int tens_value(std::string_view word) {
  for (std::size_t i = 0; i < kTens.size(); ++i) {
    if (kTens[i] == word) return static_cast<int>(20 + 10 * i);
  }
  return -1;
}

// Whole numbers up to the millions, "and" allowed after a hundred or thousand.
std::optional<double> whole(std::span<const std::string> words) {
  if (words.empty()) return std::nullopt;
  if (words.size() == 1) {
    if (const auto digits = digits_value(words.front())) return digits;
  }
  double total = 0;
  double group = 0;
  // What the group ends with, so that "five five" or "twenty thirty" is refused.
  enum class Last { none, unit, teen, tens, hundred, scale } last = Last::none;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    const int small = small_value(word);
    const int tens = tens_value(word);
    const auto digits = digits_value(word);
    if (word == "a" || word == "an") {
      if (i != 0 || words.size() == 1) return i == 0 ? std::optional<double>(1) : std::nullopt;
      group = 1;
      last = Last::unit;
      continue;
    }
    if (word == "and") {
      if (last != Last::hundred && last != Last::scale) return std::nullopt;
      if (i + 1 == words.size()) return std::nullopt;
      continue;
    }
    if (small >= 0 || digits) {
      const double value = digits ? *digits : small;
      const bool is_unit = !digits && small < 10;
      if (last == Last::unit || last == Last::teen || (last == Last::tens && !is_unit)) return std::nullopt;
      group += value;
      last = digits ? Last::teen : (is_unit ? Last::unit : Last::teen);
    } else if (tens >= 0) {
      if (last == Last::unit || last == Last::teen || last == Last::tens) return std::nullopt;
      group += tens;
      last = Last::tens;
    } else if (word == "hundred") {
      if (last == Last::hundred) return std::nullopt;
      group = (group == 0 ? 1 : group) * 100;
      last = Last::hundred;
    } else if (word == "thousand" || word == "million") {
      if (last == Last::scale) return std::nullopt;
      total += (group == 0 ? 1 : group) * (word == "thousand" ? 1000 : 1'000'000);
      group = 0;
      last = Last::scale;
    } else {
      return std::nullopt;
    }
  }
  return total + group;
}

bool ends_with(std::span<const std::string> words, std::initializer_list<std::string_view> tail) {
  if (words.size() < tail.size()) return false;
  std::size_t i = words.size() - tail.size();
  for (const auto word : tail) {
    if (words[i++] != word) return false;
  }
  return true;
}

}  // namespace

std::optional<double> parse_spoken_number(std::span<const std::string> words) {
  if (words.empty()) return std::nullopt;
  // "half", "a half", "half a", "half an": one half.
  if ((words.size() == 1 && words[0] == "half") ||
      (words.size() == 2 &&
       ((words[0] == "a" && words[1] == "half") || (words[0] == "half" && (words[1] == "a" || words[1] == "an"))))) {
    return 0.5;
  }
  if (words.size() == 2 && words[0] == "a" && words[1] == "quarter") return 0.25;
  for (const bool half : {true, false}) {
    if (ends_with(words, {"and", "a", half ? "half" : "quarter"}) && words.size() > 3) {
      const auto base = whole(words.first(words.size() - 3));
      if (!base) return std::nullopt;
      return *base + (half ? 0.5 : 0.25);
    }
  }
  // "two point five": digits after "point", one word each.
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i] != "point") continue;
    const auto base = whole(words.first(i));
    if (!base || i + 1 == words.size()) return std::nullopt;
    double scale = 0.1;
    double value = *base;
    for (std::size_t j = i + 1; j < words.size(); ++j) {
      const int digit = small_value(words[j]);
      if (digit < 0 || digit > 9) return std::nullopt;
      value += digit * scale;
      scale /= 10;
    }
    return value;
  }
  return whole(words);
}

}  // namespace lv::tools
