#include "tools/spoken_duration.h"

#include <gtest/gtest.h>

#include "tools/intent_template.h"

namespace lv::tools {
namespace {

std::optional<double> duration(std::string_view text) { return parse_spoken_duration(intent_words(text)); }
std::optional<int> time_of_day(std::string_view text) { return parse_spoken_time(intent_words(text)); }

TEST(SpokenDuration, ReadsOneUnit) {
  EXPECT_EQ(duration("five minutes"), 300);
  EXPECT_EQ(duration("ninety seconds"), 90);
  EXPECT_EQ(duration("an hour"), 3600);
  EXPECT_EQ(duration("a minute"), 60);
  EXPECT_EQ(duration("10 minutes"), 600);
  EXPECT_EQ(duration("1.5 hours"), 5400);
}

TEST(SpokenDuration, ReadsCombinationsAndHalves) {
  EXPECT_EQ(duration("one hour and thirty minutes"), 5400);
  EXPECT_EQ(duration("one hour thirty minutes"), 5400);
  EXPECT_EQ(duration("two minutes and ten seconds"), 130);
  EXPECT_EQ(duration("two and a half minutes"), 150);
  EXPECT_EQ(duration("an hour and a half"), 5400);
  EXPECT_EQ(duration("half an hour"), 1800);
  EXPECT_EQ(duration("twenty five minutes"), 1500);
}

TEST(SpokenDuration, RefusesOtherText) {
  EXPECT_EQ(duration("five"), std::nullopt);
  EXPECT_EQ(duration("minutes"), std::nullopt);
  EXPECT_EQ(duration("five minutes please"), std::nullopt);
  EXPECT_EQ(duration("zero minutes"), std::nullopt);
  EXPECT_EQ(duration("five apples"), std::nullopt);
}

TEST(SpokenTime, ReadsTimesOfDay) {
  EXPECT_EQ(time_of_day("five"), 5 * 60);
  EXPECT_EQ(time_of_day("five thirty pm"), 17 * 60 + 30);
  EXPECT_EQ(time_of_day("seven oh five a m"), 7 * 60 + 5);
  EXPECT_EQ(time_of_day("eleven forty five"), 11 * 60 + 45);
  EXPECT_EQ(time_of_day("6 o'clock"), 6 * 60);
  EXPECT_EQ(time_of_day("12 am"), 0);
  EXPECT_EQ(time_of_day("12 pm"), 12 * 60);
  EXPECT_EQ(time_of_day("17:45"), 17 * 60 + 45);
  EXPECT_EQ(time_of_day("noon"), 12 * 60);
  EXPECT_EQ(time_of_day("midnight"), 0);
  EXPECT_EQ(time_of_day("half past six"), 6 * 60 + 30);
  EXPECT_EQ(time_of_day("quarter to seven"), 6 * 60 + 45);
  EXPECT_EQ(time_of_day("ten past five"), 5 * 60 + 10);
}

TEST(SpokenTime, RefusesImpossibleTimes) {
  EXPECT_EQ(time_of_day("thirteen pm"), std::nullopt);
  EXPECT_EQ(time_of_day("five seventy"), std::nullopt);
  EXPECT_EQ(time_of_day("banana"), std::nullopt);
  EXPECT_EQ(time_of_day(""), std::nullopt);
}

}  // namespace
}  // namespace lv::tools
