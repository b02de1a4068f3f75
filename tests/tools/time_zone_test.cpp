#include "tools/time_zone.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "util/error.h"

namespace lv::tools {
namespace {

using namespace std::chrono;

sys_seconds utc_at(int y, unsigned m, unsigned d, int hour, int minute = 0) {
  return sys_days{year{y} / month{m} / day{d}} + hours{hour} + minutes{minute};
}

local_seconds local_at(int y, unsigned m, unsigned d, int hour, int minute = 0) {
  return local_days{year{y} / month{m} / day{d}} + hours{hour} + minutes{minute};
}

void put_be32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xff);
}

// A version 2 TZif file with no transitions: one standard type and the POSIX rule as footer.
std::string tzif_with_rule(std::int32_t std_offset_s, const std::string& rule) {
  std::string header_counts;
  put_be32(header_counts, 0);  // isutcnt
  put_be32(header_counts, 0);  // isstdcnt
  put_be32(header_counts, 0);  // leapcnt
  put_be32(header_counts, 0);  // timecnt
  put_be32(header_counts, 1);  // typecnt
  put_be32(header_counts, 4);  // charcnt
  std::string block;
  put_be32(block, static_cast<std::uint32_t>(std_offset_s));
  block += '\0';  // isdst
  block += '\0';  // abbreviation index
  block += std::string("CET", 3) + '\0';
  const std::string header = std::string("TZif2") + std::string(15, '\0') + header_counts;
  return header + block + header + block + "\n" + rule + "\n";
}

TEST(TimeZone, UtcHasNoOffset) {
  const auto zone = TimeZone::utc();
  EXPECT_EQ(zone.offset_at(utc_at(2026, 7, 1, 12)), seconds{0});
  EXPECT_EQ(zone.name(), "UTC");
}

TEST(TimeZone, AppliesThePosixRuleOfTheFooter) {
  const auto zone = TimeZone::from_tzif("Test/CET", tzif_with_rule(3600, "CET-1CEST,M3.5.0,M10.5.0/3"));
  EXPECT_EQ(zone.offset_at(utc_at(2026, 1, 15, 12)), hours{1});
  EXPECT_EQ(zone.offset_at(utc_at(2026, 7, 15, 12)), hours{2});
  // DST starts on the last Sunday of March (29 March 2026) at 02:00 local standard time = 01:00 UTC.
  EXPECT_EQ(zone.offset_at(utc_at(2026, 3, 29, 0, 59)), hours{1});
  EXPECT_EQ(zone.offset_at(utc_at(2026, 3, 29, 1, 0)), hours{2});
  // And ends on the last Sunday of October (25 October 2026) at 03:00 local daylight time = 01:00 UTC.
  EXPECT_EQ(zone.offset_at(utc_at(2026, 10, 25, 0, 59)), hours{2});
  EXPECT_EQ(zone.offset_at(utc_at(2026, 10, 25, 1, 0)), hours{1});
}

TEST(TimeZone, LocalToUtcHandlesGapsAndOverlaps) {
  const auto zone = TimeZone::from_tzif("Test/CET", tzif_with_rule(3600, "CET-1CEST,M3.5.0,M10.5.0/3"));
  EXPECT_EQ(zone.to_utc(local_at(2026, 12, 3, 18)), utc_at(2026, 12, 3, 17));
  EXPECT_EQ(zone.to_utc(local_at(2026, 7, 1, 12)), utc_at(2026, 7, 1, 10));
  // 02:30 on 29 March does not exist: the later offset is used.
  EXPECT_EQ(zone.to_local(zone.to_utc(local_at(2026, 3, 29, 2, 30))), local_at(2026, 3, 29, 3, 30));
  // 02:30 on 25 October happens twice: the earlier one.
  EXPECT_EQ(zone.to_utc(local_at(2026, 10, 25, 2, 30)), utc_at(2026, 10, 25, 0, 30));
}

TEST(TimeZone, ReadsTheSystemZoneinfoFiles) {
  if (!std::filesystem::exists("/usr/share/zoneinfo/America/New_York")) GTEST_SKIP() << "no tzdata";
  const auto zone = TimeZone::load("America/New_York");
  EXPECT_EQ(zone.name(), "America/New_York");
  EXPECT_EQ(zone.offset_at(utc_at(2026, 12, 3, 12)), hours{-5});
  EXPECT_EQ(zone.offset_at(utc_at(2026, 7, 3, 12)), hours{-4});
  // Past the last transition the file lists, its footer rule keeps DST going.
  EXPECT_EQ(zone.offset_at(utc_at(2045, 7, 3, 12)), hours{-4});
  EXPECT_EQ(zone.offset_at(utc_at(2045, 12, 3, 12)), hours{-5});
}

TEST(TimeZone, AnUnknownNameIsAnErrorWithAFix) {
  EXPECT_THROW(TimeZone::load("Europe/Atlantis"), Error);
  EXPECT_THROW(TimeZone::load("../etc/passwd"), Error);
  EXPECT_THROW(TimeZone::from_tzif("bad", "not a tz file at all, but long enough to have a header ......"), Error);
}

TEST(TimeZone, FormatsOffsets) {
  EXPECT_EQ(format_utc_offset(hours{1}), "+01:00");
  EXPECT_EQ(format_utc_offset(-(hours{5} + minutes{30})), "-05:30");
  EXPECT_EQ(format_utc_offset(seconds{0}), "+00:00");
}

}  // namespace
}  // namespace lv::tools
