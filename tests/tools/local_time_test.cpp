#include "tools/local_time.h"

#include <gtest/gtest.h>

namespace lv::tools {
namespace {

using namespace std::chrono;

// 2026-12-03T16:30:00Z.
constexpr std::int64_t kNowMs = 1'796'315'400'000;

std::int64_t ms(sys_seconds t) { return t.time_since_epoch().count() * 1000; }

TEST(LocalTime, FormatsIsoAndSpokenForms) {
  const auto zone = TimeZone::utc();
  EXPECT_EQ(iso_local(zone, kNowMs), "2026-12-03T16:30:00+00:00");
  const auto local = zone.to_local(sys_seconds{seconds{kNowMs / 1000}});
  EXPECT_EQ(spoken_time(local), "4:30 PM");
  EXPECT_EQ(spoken_date(local), "Thursday, December 3, 2026");
  EXPECT_EQ(spoken_time(local_days{year{2026} / 1 / 1}), "12:00 AM");
}

TEST(LocalTime, ParsesFullLocalTimes) {
  const auto zone = TimeZone::utc();
  EXPECT_EQ(parse_local_time("2026-12-03T18:45", zone, kNowMs),
            ms(sys_days{year{2026} / 12 / 3} + hours{18} + minutes{45}));
  EXPECT_EQ(parse_local_time("2026-12-03 18:45:30", zone, kNowMs),
            ms(sys_days{year{2026} / 12 / 3} + hours{18} + minutes{45} + seconds{30}));
  EXPECT_EQ(parse_local_time("2026-12-03T18:45+01:00", zone, kNowMs),
            ms(sys_days{year{2026} / 12 / 3} + hours{17} + minutes{45}));
  EXPECT_EQ(parse_local_time("2026-12-03T18:45Z", zone, kNowMs),
            ms(sys_days{year{2026} / 12 / 3} + hours{18} + minutes{45}));
}

TEST(LocalTime, ATimeOfDayIsItsNextOccurrence) {
  const auto zone = TimeZone::utc();
  EXPECT_EQ(parse_local_time("18:00", zone, kNowMs), ms(sys_days{year{2026} / 12 / 3} + hours{18}));
  EXPECT_EQ(parse_local_time("09:15", zone, kNowMs), ms(sys_days{year{2026} / 12 / 4} + hours{9} + minutes{15}));
}

TEST(LocalTime, RefusesOtherForms) {
  const auto zone = TimeZone::utc();
  EXPECT_EQ(parse_local_time("tomorrow", zone, kNowMs), std::nullopt);
  EXPECT_EQ(parse_local_time("2026-02-30T10:00", zone, kNowMs), std::nullopt);
  EXPECT_EQ(parse_local_time("25:00", zone, kNowMs), std::nullopt);
  EXPECT_EQ(parse_local_time("2026-12-03T18:45 CET", zone, kNowMs), std::nullopt);
}

}  // namespace
}  // namespace lv::tools
