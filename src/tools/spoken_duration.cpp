#include "tools/spoken_duration.h"

#include <charconv>
#include <string_view>
#include <vector>

#include "tools/spoken_number.h"

namespace lv::tools {
namespace {

std::optional<double> unit_seconds(std::string_view word) {
  if (word == "second" || word == "seconds" || word == "sec" || word == "secs") return 1;
  if (word == "minute" || word == "minutes" || word == "min" || word == "mins") return 60;
  if (word == "hour" || word == "hours" || word == "hr" || word == "hrs") return 3600;
  return std::nullopt;
}

// "5:30" as hour and minute.
std::optional<std::pair<int, int>> clock_digits(std::string_view word) {
  const auto colon = word.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  int hour = 0;
  int minute = 0;
  const auto h = std::from_chars(word.data(), word.data() + colon, hour);
  const auto m = std::from_chars(word.data() + colon + 1, word.data() + word.size(), minute);
  if (h.ec != std::errc{} || m.ec != std::errc{} || h.ptr != word.data() + colon ||
      m.ptr != word.data() + word.size() || word.size() - colon != 3) {
    return std::nullopt;
  }
  return std::pair{hour, minute};
}

std::optional<int> whole_number(std::span<const std::string> words) {
  const auto value = parse_spoken_number(words);
  if (!value || *value != static_cast<double>(static_cast<int>(*value))) return std::nullopt;
  return static_cast<int>(*value);
}

}  // namespace

std::optional<double> parse_spoken_duration(std::span<const std::string> words) {
  double total = 0;
  bool any = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto unit = unit_seconds(words[i]);
    if (!unit) continue;
    const auto number = parse_spoken_number(words.subspan(start, i - start));
    if (!number) return std::nullopt;
    total += *number * *unit;
    any = true;
    start = i + 1;
    // "an hour and a half": the half is of this unit.
    if (start + 3 <= words.size() && words[start] == "and" && words[start + 1] == "a" &&
        (words[start + 2] == "half" || words[start + 2] == "quarter")) {
      total += (words[start + 2] == "half" ? 0.5 : 0.25) * *unit;
      start += 3;
      i = start - 1;
      continue;
    }
    if (start < words.size() && words[start] == "and") ++start;
    i = start - 1;
  }
  if (!any || start != words.size() || total <= 0) return std::nullopt;
  return total;
}

std::optional<int> parse_spoken_time(std::span<const std::string> words) {
  if (words.size() == 1 && (words[0] == "noon" || words[0] == "midday")) return 12 * 60;
  if (words.size() == 1 && words[0] == "midnight") return 0;
  std::vector<std::string> rest(words.begin(), words.end());
  int pm = -1;  // -1: not said
  if (!rest.empty() && (rest.back() == "am" || rest.back() == "pm")) {
    pm = rest.back() == "pm" ? 1 : 0;
    rest.pop_back();
  } else if (rest.size() >= 2 && (rest[rest.size() - 2] == "a" || rest[rest.size() - 2] == "p") && rest.back() == "m") {
    pm = rest[rest.size() - 2] == "p" ? 1 : 0;
    rest.resize(rest.size() - 2);
  }
  if (!rest.empty() && (rest.back() == "o'clock" || rest.back() == "oclock")) rest.pop_back();
  if (rest.empty()) return std::nullopt;
  int hour = -1;
  int minute = 0;
  if (rest.size() == 1) {
    if (const auto digits = clock_digits(rest[0])) {
      hour = digits->first;
      minute = digits->second;
    }
  }
  // "half past six", "quarter to seven", "ten past five".
  if (hour < 0 && rest.size() >= 3 && (rest[rest.size() - 2] == "past" || rest[rest.size() - 2] == "to")) {
    const bool to = rest[rest.size() - 2] == "to";
    const std::span<const std::string> all(rest);
    const auto h = whole_number(all.last(1));
    std::span<const std::string> amount = all.first(rest.size() - 2);
    if (!amount.empty() && amount.front() == "a") amount = amount.subspan(1);
    int m = -1;
    if (amount.size() == 1 && amount[0] == "half") m = 30;
    if (amount.size() == 1 && amount[0] == "quarter") m = 15;
    if (m < 0 && !amount.empty()) {
      std::span<const std::string> number = amount;
      if (number.back() == "minutes" || number.back() == "minute") number = number.first(number.size() - 1);
      m = whole_number(number).value_or(-1);
    }
    if (!h || m < 0 || m > 59) return std::nullopt;
    hour = to ? *h - 1 : *h;
    minute = to ? 60 - m : m;
    if (hour < 0) hour += 12;
  }
  if (hour < 0) {
    // "five", "five thirty", "seven oh five", "eleven forty five".
    for (std::size_t split = 1; split <= rest.size() && hour < 0; ++split) {
      const std::span<const std::string> all(rest);
      const auto h = whole_number(all.first(split));
      if (!h || *h > 23) continue;
      if (split == rest.size()) {
        hour = *h;
        break;
      }
      auto minute_words = all.subspan(split);
      const bool oh = minute_words.front() == "oh";
      if (oh) minute_words = minute_words.subspan(1);
      const auto m = whole_number(minute_words);
      if (m && *m <= 59 && (!oh || *m <= 9) && (oh || *m >= 10 || minute_words.size() > 1 || *m == 0)) {
        hour = *h;
        minute = *m;
      }
    }
  }
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return std::nullopt;
  if (pm >= 0) {
    if (hour < 1 || hour > 12) return std::nullopt;
    hour = hour % 12 + (pm == 1 ? 12 : 0);
  }
  return hour * 60 + minute;
}

}  // namespace lv::tools
