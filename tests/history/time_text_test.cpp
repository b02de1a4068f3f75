#include "history/time_text.h"

#include <gtest/gtest.h>

#include <limits>

namespace lv::history {
namespace {

TEST(TimeText, FormatsUtcTimes) {
  EXPECT_EQ(format_utc_minute(0), "1970-01-01 00:00 UTC");
  EXPECT_EQ(format_utc_minute(1'764'034'851'250), "2025-11-25 01:40 UTC");
  EXPECT_EQ(format_iso8601(1'764'034'851'250), "2025-11-25T01:40:51.250Z");
  EXPECT_EQ(format_iso8601(-1), "1969-12-31T23:59:59.999Z");
}

TEST(TimeText, FormatsDurationsInTheLargestSensibleUnit) {
  EXPECT_EQ(format_duration(0), "0 ms");
  EXPECT_EQ(format_duration(849.6), "850 ms");
  EXPECT_EQ(format_duration(4210), "4.2 s");
  EXPECT_EQ(format_duration(192'000), "3 min 12 s");
  EXPECT_EQ(format_duration(3'900'000), "1 h 5 min");
  EXPECT_EQ(format_duration(-5), "0 ms");
  EXPECT_EQ(format_duration(std::numeric_limits<double>::quiet_NaN()), "0 ms");
}

}  // namespace
}  // namespace lv::history
