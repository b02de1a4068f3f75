#include "tools/timer_tools.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "support/test_paths.h"
#include "tools/builtin_tools.h"

namespace lv::tools {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class TimerToolsTest : public ::testing::Test {
 protected:
  TimerToolsTest() {
    scheduler_ = std::make_shared<TimerScheduler>(std::make_shared<TimerStore>(timer_database_path(dir_.path())),
                                                  TimerScheduler::Options{[this] { return now_.load(); }, false});
    add_builtin_tools(registry_, {TimeZone::utc(), [this] { return now_.load(); }, scheduler_});
  }

  ToolResult call(const std::string& name, const json& arguments) {
    return registry_.find(name)->invoke(arguments, {});
  }

  test::TempDir dir_;
  std::atomic<std::int64_t> now_{1'796'315'400'000};  // 2026-12-03T16:30:00Z
  std::shared_ptr<TimerScheduler> scheduler_;
  ToolRegistry registry_;
};

TEST_F(TimerToolsTest, RegistersEveryBuiltIn) {
  std::vector<std::string> names;
  for (const auto& tool : registry_.list()) names.push_back(tool->name());
  EXPECT_EQ(names, (std::vector<std::string>{"calculate", "cancel_timer", "get_date", "get_time", "list_timers",
                                             "set_reminder", "set_timer"}));
}

TEST_F(TimerToolsTest, SetTimerThenListShowsTheTimeLeft) {
  const auto set = call("set_timer", {{"duration_s", 300}, {"label", "pasta"}});
  ASSERT_FALSE(set.is_error) << set.error_message;
  EXPECT_EQ(set.content["label"], "pasta");
  EXPECT_EQ(set.content["due_at"], "2026-12-03T16:35:00+00:00");
  now_ += 60'000;
  const auto listed = call("list_timers", json::object());
  ASSERT_EQ(listed.content["timers"].size(), 1U);
  EXPECT_EQ(listed.content["timers"][0]["remaining_s"], 240);
}

TEST_F(TimerToolsTest, SetTimerRefusesBadDurations) {
  EXPECT_THAT(call("set_timer", json::object()).error_message, HasSubstr("'duration_s' is required"));
  EXPECT_THAT(call("set_timer", {{"duration_s", "five"}}).error_message, HasSubstr("'duration_s' must be a number"));
  EXPECT_THAT(call("set_timer", {{"duration_s", 0}}).error_message, HasSubstr("at least 1"));
  EXPECT_TRUE(scheduler_->list().empty());
}

TEST_F(TimerToolsTest, SetReminderTakesALocalTime) {
  const auto set = call("set_reminder", {{"at", "18:00"}, {"text", "call mom"}});
  ASSERT_FALSE(set.is_error) << set.error_message;
  EXPECT_EQ(set.content["kind"], "reminder");
  EXPECT_EQ(set.content["due_at"], "2026-12-03T18:00:00+00:00");
  EXPECT_THAT(call("set_reminder", {{"at", "2020-01-01T10:00"}, {"text", "x"}}).error_message,
              HasSubstr("in the past"));
  EXPECT_THAT(call("set_reminder", {{"at", "soon"}, {"text", "x"}}).error_message,
              HasSubstr("'at' must be a local time"));
}

TEST_F(TimerToolsTest, CancelByLabelIdOrTheOnlyOne) {
  const auto pasta = call("set_timer", {{"duration_s", 300}, {"label", "pasta"}});
  call("set_timer", {{"duration_s", 600}, {"label", "eggs"}});
  EXPECT_THAT(call("cancel_timer", json::object()).error_message, HasSubstr("2 timers are set"));
  EXPECT_THAT(call("cancel_timer", {{"label", "tea"}}).error_message, HasSubstr("no timer called 'tea'"));
  const auto by_label = call("cancel_timer", {{"label", "Eggs"}});
  ASSERT_FALSE(by_label.is_error);
  EXPECT_EQ(by_label.content["cancelled"][0]["label"], "eggs");
  const auto only = call("cancel_timer", json::object());
  ASSERT_FALSE(only.is_error);
  EXPECT_EQ(only.content["cancelled"][0]["id"], pasta.content["id"]);
  EXPECT_THAT(call("cancel_timer", {{"id", 999}}).error_message, HasSubstr("no timer with id 999"));
  EXPECT_THAT(call("cancel_timer", json::object()).error_message, HasSubstr("no timer is set"));
}

}  // namespace
}  // namespace lv::tools
