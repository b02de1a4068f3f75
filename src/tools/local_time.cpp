#include "tools/local_time.h"

#include <array>
#include <charconv>
#include <cstdio>

namespace lv::tools {
namespace {

using namespace std::chrono;

constexpr std::array<std::string_view, 7> kWeekdays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonths = {"January",   "February", "March",    "April",
                                                      "May",       "June",     "July",     "August",
                                                      "September", "October",  "November", "December"};

struct Fields {
  year_month_day date;
  hh_mm_ss<seconds> time;
};

Fields fields_of(local_seconds local) {
  const auto day = floor<days>(local);
  return Fields{year_month_day{day}, hh_mm_ss<seconds>{local - day}};
}

// Reads exactly `width` digits at `pos`.
std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  const auto [end, error] = std::from_chars(text.data() + pos, text.data() + pos + width, value);
  if (error != std::errc{} || end != text.data() + pos + width) return std::nullopt;
  return value;
}

// "HH:MM[:SS]" at the start of `text`; `used` receives the characters read.
std::optional<seconds> time_of_day(std::string_view text, std::size_t& used) {
  const auto hour = digits(text, 0, 2);
  const auto minute = digits(text, 3, 2);
  if (!hour || !minute || text[2] != ':' || *hour > 23 || *minute > 59) return std::nullopt;
  used = 5;
  int second = 0;
  if (text.size() >= 8 && text[5] == ':') {
    const auto s = digits(text, 6, 2);
    if (!s || *s > 59) return std::nullopt;
    second = *s;
    used = 8;
  }
  return hours{*hour} + minutes{*minute} + seconds{second};
}

// "Z", "+01:00", "-0530" or nothing.
std::optional<std::optional<seconds>> offset_suffix(std::string_view text) {
  if (text.empty()) return std::optional<seconds>{};
  if (text == "Z" || text == "z") return std::optional<seconds>{seconds{0}};
  if (text.front() != '+' && text.front() != '-') return std::nullopt;
  const int sign = text.front() == '-' ? -1 : 1;
  const auto hour = digits(text, 1, 2);
  const std::size_t minute_at = text.size() > 3 && text[3] == ':' ? 4 : 3;
  const auto minute = digits(text, minute_at, 2);
  if (!hour || !minute || minute_at + 2 != text.size()) return std::nullopt;
  return std::optional<seconds>{seconds{sign * (*hour * 3600 + *minute * 60)}};
}

}  // namespace

std::string iso_local(const TimeZone& zone, std::int64_t epoch_ms) {
  const sys_seconds utc{seconds{epoch_ms / 1000}};
  const auto f = fields_of(zone.to_local(utc));
  std::array<char, 40> text{};
  std::snprintf(text.data(), text.size(), "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(f.date.year()),
                static_cast<unsigned>(f.date.month()), static_cast<unsigned>(f.date.day()),
                static_cast<int>(f.time.hours().count()), static_cast<int>(f.time.minutes().count()),
                static_cast<int>(f.time.seconds().count()));
  return std::string(text.data()) + format_utc_offset(zone.offset_at(utc));
}

std::string spoken_time(local_seconds local) {
  const auto f = fields_of(local);
  const int hour = static_cast<int>(f.time.hours().count());
  const int twelve = hour % 12 == 0 ? 12 : hour % 12;
  std::array<char, 16> text{};
  std::snprintf(text.data(), text.size(), "%d:%02d %s", twelve, static_cast<int>(f.time.minutes().count()),
                hour < 12 ? "AM" : "PM");
  return text.data();
}

std::string spoken_date(local_seconds local) {
  const auto day = floor<days>(local);
  const year_month_day date{day};
  const weekday wd{day};
  return std::string(kWeekdays[wd.c_encoding()]) + ", " +
         std::string(kMonths[static_cast<unsigned>(date.month()) - 1]) + " " +
         std::to_string(static_cast<unsigned>(date.day())) + ", " + std::to_string(static_cast<int>(date.year()));
}

std::optional<std::int64_t> parse_local_time(std::string_view text, const TimeZone& zone, std::int64_t now_ms) {
  std::size_t used = 0;
  if (text.size() >= 5 && text[2] == ':') {
    const auto time = time_of_day(text, used);
    if (!time || used != text.size()) return std::nullopt;
    const auto now_local = zone.to_local(sys_seconds{seconds{now_ms / 1000}});
    auto candidate = floor<days>(now_local) + *time;
    if (zone.to_utc(candidate).time_since_epoch().count() * 1000 <= now_ms) candidate += days{1};
    return zone.to_utc(candidate).time_since_epoch().count() * 1000;
  }
  const auto y = digits(text, 0, 4);
  const auto m = digits(text, 5, 2);
  const auto d = digits(text, 8, 2);
  if (!y || !m || !d || text.size() < 16 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ')) {
    return std::nullopt;
  }
  const year_month_day date{year{*y}, month{static_cast<unsigned>(*m)}, day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  const auto time = time_of_day(text.substr(11), used);
  if (!time) return std::nullopt;
  const auto offset = offset_suffix(text.substr(11 + used));
  if (!offset) return std::nullopt;
  const local_seconds local = local_days{date} + *time;
  if (*offset) return (local.time_since_epoch() - **offset).count() * 1000;
  return zone.to_utc(local).time_since_epoch().count() * 1000;
}

}  // namespace lv::tools
