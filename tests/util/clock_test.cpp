#include "util/clock.h"

#include <gtest/gtest.h>

#include <chrono>

namespace lv::util {
namespace {

using namespace std::chrono_literals;

TEST(Clock, MsBetweenKeepsFractions) {
  const SteadyClock::time_point start{};
  EXPECT_DOUBLE_EQ(ms_between(start, start + 1500us), 1.5);
  EXPECT_DOUBLE_EQ(ms_between(start + 2s, start), -2000.0);
}

TEST(Clock, SinceAPastPointIsAtLeastTheDistanceToIt) {
  const auto ten_seconds_ago = SteadyClock::now() - 10s;
  EXPECT_GE(ms_since(ten_seconds_ago), 10'000.0);
  EXPECT_GE(seconds_since(ten_seconds_ago), 10.0);
}

TEST(Clock, EpochReadingsAgreeWithEachOtherAndAreRecent) {
  const std::int64_t before_s = epoch_seconds();
  const std::int64_t now_ms = epoch_ms();
  const std::int64_t after_s = epoch_seconds();
  EXPECT_GE(now_ms / 1000, before_s);
  EXPECT_LE(now_ms / 1000, after_s);
  EXPECT_GT(before_s, 1'600'000'000);  // after September 2020: a Unix epoch reading, not a steady clock
}

}  // namespace
}  // namespace lv::util
