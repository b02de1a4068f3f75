#include "tools/time_zone.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>

#include "util/error.h"

namespace lv::tools {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

constexpr std::size_t kHeaderBytes = 44;
constexpr std::int64_t kDaySeconds = 86400;

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool has(std::size_t count) const { return bytes_.size() - pos_ >= count; }
  std::int64_t be(std::size_t width) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < width; ++i) value = (value << 8) | static_cast<unsigned char>(bytes_[pos_ + i]);
    pos_ += width;
    if (width == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(value));
    return static_cast<std::int64_t>(value);
  }
  std::uint8_t byte() { return static_cast<std::uint8_t>(bytes_[pos_++]); }
  void skip(std::size_t count) { pos_ += count; }
  std::string_view rest() const { return bytes_.substr(pos_); }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

struct Counts {
  std::size_t isut = 0, isstd = 0, leap = 0, time = 0, type = 0, chars = 0;
};

Counts read_header(Reader& in, const std::string& name) {
  if (!in.has(kHeaderBytes) || in.rest().substr(0, 4) != "TZif") {
    throw Error("time zone file for '" + name + "' is not a TZif file", "reinstall the tzdata package");
  }
  in.skip(20);
  Counts counts;
  counts.isut = static_cast<std::size_t>(in.be(4));
  counts.isstd = static_cast<std::size_t>(in.be(4));
  counts.leap = static_cast<std::size_t>(in.be(4));
  counts.time = static_cast<std::size_t>(in.be(4));
  counts.type = static_cast<std::size_t>(in.be(4));
  counts.chars = static_cast<std::size_t>(in.be(4));
  return counts;
}

std::size_t block_bytes(const Counts& c, std::size_t time_width) {
  return c.time * time_width + c.time + c.type * 6 + c.chars + c.leap * (time_width + 4) + c.isstd + c.isut;
}

// Parses "[+-]hh[:mm[:ss]]" at `text`, advancing it; POSIX offsets are west-positive, so the sign flips.
std::optional<std::int64_t> parse_hms(std::string_view& text) {
  int sign = 1;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    sign = text.front() == '-' ? -1 : 1;
    text.remove_prefix(1);
  }
  std::int64_t total = 0;
  for (int part = 0; part < 3; ++part) {
    if (part > 0) {
      if (text.empty() || text.front() != ':') break;
      text.remove_prefix(1);
    }
    std::int64_t value = 0;
    std::size_t digits = 0;
    while (!text.empty() && text.front() >= '0' && text.front() <= '9') {
      value = value * 10 + (text.front() - '0');
      text.remove_prefix(1);
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    total += value * (part == 0 ? 3600 : part == 1 ? 60 : 1);
  }
  return sign * total;
}

bool skip_abbreviation(std::string_view& text) {
  if (!text.empty() && text.front() == '<') {
    const auto close = text.find('>');
    if (close == std::string_view::npos) return false;
    text.remove_prefix(close + 1);
    return true;
  }
  std::size_t length = 0;
  while (length < text.size() &&
         ((text[length] >= 'A' && text[length] <= 'Z') || (text[length] >= 'a' && text[length] <= 'z'))) {
    ++length;
  }
  text.remove_prefix(length);
  return length >= 3;
}

std::optional<TimeZone::Rule::When> parse_when(std::string_view& text) {
  if (text.empty() || text.front() != 'M') return std::nullopt;  // Jn and n forms: not used by tzdata zones
  text.remove_prefix(1);
  std::array<int, 3> fields{};
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) {
      if (text.empty() || text.front() != '.') return std::nullopt;
      text.remove_prefix(1);
    }
    if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
    while (!text.empty() && text.front() >= '0' && text.front() <= '9') {
      fields[i] = fields[i] * 10 + (text.front() - '0');
      text.remove_prefix(1);
    }
  }
  TimeZone::Rule::When when{fields[0], fields[1], fields[2], 7200};
  if (!text.empty() && text.front() == '/') {
    text.remove_prefix(1);
    const auto time = parse_hms(text);
    if (!time) return std::nullopt;
    when.time_s = *time;
  }
  if (when.month < 1 || when.month > 12 || when.week < 1 || when.week > 5 || when.weekday > 6) return std::nullopt;
  return when;
}

std::optional<TimeZone::Rule> parse_rule(std::string_view text) {
  TimeZone::Rule rule;
  if (!skip_abbreviation(text)) return std::nullopt;
  const auto std_west = parse_hms(text);
  if (!std_west) return std::nullopt;
  rule.std_offset_s = -*std_west;
  if (text.empty()) return rule;
  if (!skip_abbreviation(text)) return std::nullopt;
  rule.has_dst = true;
  rule.dst_offset_s = rule.std_offset_s + 3600;
  if (!text.empty() && text.front() != ',') {
    const auto dst_west = parse_hms(text);
    if (!dst_west) return std::nullopt;
    rule.dst_offset_s = -*dst_west;
  }
  if (text.empty() || text.front() != ',') return std::nullopt;
  text.remove_prefix(1);
  const auto start = parse_when(text);
  if (!start || text.empty() || text.front() != ',') return std::nullopt;
  text.remove_prefix(1);
  const auto end = parse_when(text);
  if (!end || !text.empty()) return std::nullopt;
  rule.start = *start;
  rule.end = *end;
  return rule;
}

// Local seconds since the epoch at which `when` happens in `year` (before applying its time of day offset).
std::int64_t local_transition(int year, const TimeZone::Rule::When& when) {
  using namespace std::chrono;
  const std::chrono::year y{year};
  const month m{static_cast<unsigned>(when.month)};
  const weekday wd{static_cast<unsigned>(when.weekday)};
  const sys_days day = when.week == 5
                           ? sys_days{year_month_weekday_last{y, m, weekday_last{wd}}}
                           : sys_days{year_month_weekday{y, m, weekday_indexed{wd, static_cast<unsigned>(when.week)}}};
  return day.time_since_epoch().count() * kDaySeconds + when.time_s;
}

std::int64_t rule_offset(const TimeZone::Rule& rule, std::int64_t utc_s) {
  if (!rule.has_dst) return rule.std_offset_s;
  using namespace std::chrono;
  const auto days = floor<std::chrono::days>(sys_seconds{seconds{utc_s + rule.std_offset_s}});
  const int year = static_cast<int>(year_month_day{days}.year());
  // Start is given in standard local time, end in daylight local time.
  const std::int64_t start_utc = local_transition(year, rule.start) - rule.std_offset_s;
  const std::int64_t end_utc = local_transition(year, rule.end) - rule.dst_offset_s;
  const bool in_dst = start_utc < end_utc ? (utc_s >= start_utc && utc_s < end_utc)
                                          : (utc_s >= start_utc || utc_s < end_utc);  // southern hemisphere
  return in_dst ? rule.dst_offset_s : rule.std_offset_s;
}

fs::path zone_dir() {
  if (const char* dir = std::getenv("TZDIR"); dir != nullptr && *dir != '\0')
    return dir;  // NOLINT(concurrency-mt-unsafe)
  return "/usr/share/zoneinfo";
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// The zone name /etc/localtime points at ("Europe/Paris"), or "localtime".
std::string system_zone_name() {
  std::error_code error;
  const auto target = fs::read_symlink("/etc/localtime", error);
  if (!error) {
    const std::string text = target.string();
    if (const auto at = text.find("zoneinfo/"); at != std::string::npos) return text.substr(at + 9);
  }
  std::string name = read_file("/etc/timezone");
  while (!name.empty() && (name.back() == '\n' || name.back() == ' ')) name.pop_back();
  return name.empty() ? "localtime" : name;
}

bool is_safe_zone_name(std::string_view name) {
  return !name.empty() && name.front() != '/' && name.find("..") == std::string_view::npos;
}

}  // namespace

TimeZone TimeZone::utc() {
  TimeZone zone;
  zone.name_ = "UTC";
  return zone;
}

TimeZone TimeZone::from_tzif(std::string name, std::string_view bytes) {
  Reader in(bytes);
  const Counts v1 = read_header(in, name);
  const char version = bytes[4];
  std::size_t width = 4;
  Counts counts = v1;
  if (version >= '2') {
    if (!in.has(block_bytes(v1, 4))) throw Error("time zone file for '" + name + "' is truncated", "reinstall tzdata");
    in.skip(block_bytes(v1, 4));
    counts = read_header(in, name);
    width = 8;
  }
  if (!in.has(block_bytes(counts, width)) || counts.type == 0) {
    throw Error("time zone file for '" + name + "' is truncated", "reinstall the tzdata package");
  }
  TimeZone zone;
  zone.name_ = std::move(name);
  std::vector<std::int64_t> times(counts.time);
  for (auto& time : times) time = in.be(width);
  std::vector<std::uint8_t> indices(counts.time);
  for (auto& index : indices) index = in.byte();
  std::vector<std::int64_t> type_offsets(counts.type);
  std::vector<bool> type_dst(counts.type);
  for (std::size_t i = 0; i < counts.type; ++i) {
    type_offsets[i] = in.be(4);
    type_dst[i] = in.byte() != 0;
    in.skip(1);
  }
  in.skip(counts.chars + counts.leap * (width + 4) + counts.isstd + counts.isut);
  zone.initial_offset_s_ = type_offsets[0];
  for (std::size_t i = 0; i < counts.type; ++i) {
    if (!type_dst[i]) {
      zone.initial_offset_s_ = type_offsets[i];
      break;
    }
  }
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (indices[i] >= counts.type)
      throw Error("time zone file for '" + zone.name_ + "' is damaged", "reinstall tzdata");
    zone.transitions_.push_back(times[i]);
    zone.offsets_.push_back(type_offsets[indices[i]]);
  }
  if (width == 8) {
    std::string_view footer = in.rest();
    if (!footer.empty() && footer.front() == '\n') {
      footer.remove_prefix(1);
      footer = footer.substr(0, footer.find('\n'));
      if (const auto rule = parse_rule(footer)) {
        zone.has_rule_ = true;
        zone.rule_ = *rule;
      }
    }
  }
  return zone;
}

TimeZone TimeZone::load(std::string_view name) {
  std::string zone_name(name);
  fs::path file;
  if (zone_name.empty()) {
    const char* tz = std::getenv("TZ");  // NOLINT(concurrency-mt-unsafe): read once, never written
    std::string from_env = tz != nullptr ? tz : "";
    if (!from_env.empty() && from_env.front() == ':') from_env.erase(0, 1);
    if (from_env.empty()) {
      zone_name = system_zone_name();
      file = "/etc/localtime";
    } else if (from_env.front() == '/') {
      zone_name = from_env;
      file = from_env;
    } else {
      zone_name = from_env;
    }
  }
  if (zone_name == "UTC" && file.empty() && !fs::exists(zone_dir() / "UTC")) return utc();
  if (file.empty()) {
    if (!is_safe_zone_name(zone_name)) {
      throw Error("'" + zone_name + "' is not a time zone name", "use a name such as Europe/Paris or UTC");
    }
    file = zone_dir() / zone_name;
  }
  const std::string bytes = read_file(file);
  if (bytes.empty()) {
    if (zone_name == "UTC" || zone_name == "Etc/UTC") return utc();
    throw Error("unknown time zone '" + zone_name + "' (no file " + file.string() + ")",
                "use a name from " + zone_dir().string() +
                    " such as Europe/Paris or America/New_York "
                    "(install the tzdata package if the folder is empty)");
  }
  return from_tzif(zone_name, bytes);
}

seconds TimeZone::offset_at(std::chrono::sys_seconds utc) const {
  const std::int64_t t = utc.time_since_epoch().count();
  if (transitions_.empty() || t < transitions_.front()) {
    return seconds{transitions_.empty() && has_rule_ ? rule_offset(rule_, t) : initial_offset_s_};
  }
  if (has_rule_ && t >= transitions_.back()) return seconds{rule_offset(rule_, t)};
  const auto after = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  return seconds{offsets_[static_cast<std::size_t>(after - transitions_.begin() - 1)]};
}

std::chrono::local_seconds TimeZone::to_local(std::chrono::sys_seconds utc) const {
  return std::chrono::local_seconds{utc.time_since_epoch() + offset_at(utc)};
}

std::chrono::sys_seconds TimeZone::to_utc(std::chrono::local_seconds local) const {
  const std::chrono::sys_seconds guess{local.time_since_epoch()};
  // Try the offsets in effect a day either side: one of them maps back to `local` unless it is in a gap.
  const seconds before = offset_at(guess - std::chrono::hours{24});
  const seconds after = offset_at(guess + std::chrono::hours{24});
  const auto earlier = guess - std::max(before, after);
  const auto later = guess - std::min(before, after);
  for (const auto candidate : {earlier, later}) {
    if (to_local(candidate) == local) return candidate;
  }
  // In a gap: read with the offset before it, which lands after the gap (02:30 becomes 03:30).
  return later;
}

std::string format_utc_offset(seconds offset) {
  const auto total = offset.count();
  const auto magnitude = total < 0 ? -total : total;
  std::array<char, 48> text{};
  std::snprintf(text.data(), text.size(), "%c%02lld:%02lld", total < 0 ? '-' : '+',
                static_cast<long long>(magnitude / 3600), static_cast<long long>((magnitude % 3600) / 60));
  return text.data();
}

}  // namespace lv::tools
