#include "tools/time_tools.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace lv::tools {
namespace {

// 2026-12-03T16:30:00Z.
constexpr std::int64_t kNowMs = 1'796'315'400'000;

TEST(TimeTools, GetTimeTellsTheTimeInTheConfiguredZone) {
  const GetTimeTool tool(TimeZone::utc(), [] { return kNowMs; });
  const auto result = tool.invoke(nlohmann::json::object(), {});
  ASSERT_FALSE(result.is_error) << result.error_message;
  EXPECT_EQ(result.content["time"], "16:30");
  EXPECT_EQ(result.content["spoken"], "4:30 PM");
  EXPECT_EQ(result.content["utc_offset"], "+00:00");
  EXPECT_EQ(result.content["time_zone"], "UTC");
}

TEST(TimeTools, GetTimeFollowsTheZonesOffset) {
  if (!std::filesystem::exists("/usr/share/zoneinfo/Asia/Tokyo")) GTEST_SKIP() << "no tzdata";
  const GetTimeTool tool(TimeZone::load("Asia/Tokyo"), [] { return kNowMs; });
  const auto result = tool.invoke(nlohmann::json::object(), {});
  EXPECT_EQ(result.content["time"], "01:30");
  EXPECT_EQ(result.content["iso"], "2026-12-04T01:30:00+09:00");
  const GetDateTool date(TimeZone::load("Asia/Tokyo"), [] { return kNowMs; });
  EXPECT_EQ(date.invoke(nlohmann::json::object(), {}).content["date"], "2026-12-04");
}

TEST(TimeTools, GetDateTellsTheDateAndWeekday) {
  const GetDateTool tool(TimeZone::utc(), [] { return kNowMs; });
  const auto result = tool.invoke(nlohmann::json::object(), {});
  EXPECT_EQ(result.content["date"], "2026-12-03");
  EXPECT_EQ(result.content["weekday"], "Thursday");
  EXPECT_EQ(result.content["spoken"], "Thursday, December 3, 2026");
}

TEST(TimeTools, RefuseArguments) {
  const GetTimeTool tool(TimeZone::utc(), [] { return kNowMs; });
  EXPECT_TRUE(tool.invoke({{"zone", "x"}}, {}).is_error);
}

}  // namespace
}  // namespace lv::tools
