// A time zone read from the system's zoneinfo files (TZif), for turning UTC instants into local time and back.
// libstdc++ 12 has no std::chrono::tzdb, and setting TZ for localtime_r would change the zone of every
// thread in the process, so the zone's rules are read here once and applied without any global state.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace lv::tools {

class TimeZone {
 public:
  // The zone named like "Europe/Paris" under $TZDIR (default /usr/share/zoneinfo); an empty name is the
  // system's zone ($TZ, else /etc/localtime). Throws lv::Error with a fix for an unknown or unreadable zone.
  static TimeZone load(std::string_view name);
  // Coordinated Universal Time, needing no file.
  static TimeZone utc();
  // Reads a TZif file's bytes (exposed for tests); `name` is what name() reports. Throws lv::Error.
  static TimeZone from_tzif(std::string name, std::string_view bytes);

  const std::string& name() const { return name_; }
  // Offset from UTC (local = utc + offset) in effect at `utc`.
  std::chrono::seconds offset_at(std::chrono::sys_seconds utc) const;
  std::chrono::local_seconds to_local(std::chrono::sys_seconds utc) const;
  // The instant a wall-clock reading names; in a gap (spring forward) the later offset is used, in an overlap
  // (fall back) the earlier instant.
  std::chrono::sys_seconds to_utc(std::chrono::local_seconds local) const;

  // A POSIX TZ rule ("CET-1CEST,M3.5.0,M10.5.0/3"), used after the file's last transition.
  struct Rule {
    std::int64_t std_offset_s = 0;
    std::int64_t dst_offset_s = 0;
    bool has_dst = false;
    // Start and end of DST: month 1-12, week 1-5 (5 = last), weekday 0-6 (Sunday = 0), local time of day.
    struct When {
      int month = 0;
      int week = 0;
      int weekday = 0;
      std::int64_t time_s = 7200;
    };
    When start;
    When end;
  };

 private:
  std::string name_;
  std::vector<std::int64_t> transitions_;  // UTC seconds, ascending
  std::vector<std::int64_t> offsets_;      // offset after each transition
  std::int64_t initial_offset_s_ = 0;      // before the first transition
  bool has_rule_ = false;
  Rule rule_;
};

// "+01:00", "-05:30", "+00:00".
std::string format_utc_offset(std::chrono::seconds offset);

}  // namespace lv::tools
