#include "tools/intent_matcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "support/test_paths.h"
#include "util/error.h"

namespace lv::tools {
namespace {

using nlohmann::json;

struct Case {
  const char* utterance;
  const char* tool;
  json arguments;
};

void PrintTo(const Case& c, std::ostream* out) { *out << '"' << c.utterance << '"'; }

class BuiltinIntents : public ::testing::TestWithParam<Case> {
 protected:
  static const IntentMatcher& matcher() {
    static const IntentMatcher builtin = IntentMatcher::builtin();
    return builtin;
  }
};

TEST_P(BuiltinIntents, MapsTheUtteranceToItsToolCall) {
  const auto& c = GetParam();
  const auto found = matcher().match(c.utterance);
  ASSERT_TRUE(found) << c.utterance;
  EXPECT_EQ(found->tool, c.tool) << c.utterance << " matched " << found->sentence;
  EXPECT_EQ(found->arguments, c.arguments) << c.utterance << " matched " << found->sentence;
}

INSTANTIATE_TEST_SUITE_P(
    Templates, BuiltinIntents,
    ::testing::Values(
        Case{"What time is it?", "get_time", json::object()}, Case{"what's the time", "get_time", json::object()},
        Case{"tell me the time", "get_time", json::object()},
        Case{"What's the date today?", "get_date", json::object()}, Case{"what day is it", "get_date", json::object()},
        Case{"what is today's date", "get_date", json::object()},
        Case{"Set a timer for five minutes", "set_timer", {{"duration_s", 300}}},
        Case{"start a timer for one hour and thirty minutes", "set_timer", {{"duration_s", 5400}}},
        Case{"set a timer for ninety seconds", "set_timer", {{"duration_s", 90}}},
        Case{"set a timer for two and a half minutes", "set_timer", {{"duration_s", 150}}},
        Case{"set a timer for 10 minutes", "set_timer", {{"duration_s", 600}}},
        Case{"set a ten minute timer", "set_timer", {{"duration_s", 600}}},
        Case{"set a pasta timer for eight minutes", "set_timer", {{"duration_s", 480}, {"label", "pasta"}}},
        Case{"set a timer called eggs for 6 minutes", "set_timer", {{"duration_s", 360}, {"label", "eggs"}}},
        Case{"timer for half an hour", "set_timer", {{"duration_s", 1800}}},
        Case{"remind me to call mom at five thirty pm", "set_reminder", {{"at", "17:30"}, {"text", "call mom"}}},
        Case{"remind me at noon to take the pills", "set_reminder", {{"at", "12:00"}, {"text", "take the pills"}}},
        Case{"how much time is left", "list_timers", json::object()},
        Case{"how much time is left on the timer", "list_timers", json::object()},
        Case{"what timers do I have", "list_timers", json::object()},
        Case{"list my timers", "list_timers", json::object()}, Case{"cancel the timer", "cancel_timer", json::object()},
        Case{"stop the timer", "cancel_timer", json::object()},
        Case{"cancel the pasta timer", "cancel_timer", {{"label", "pasta"}}}));

TEST(IntentMatcher, UnrelatedSpeechMatchesNothing) {
  const auto matcher = IntentMatcher::builtin();
  EXPECT_FALSE(matcher.match("tell me a story about dragons"));
  EXPECT_FALSE(matcher.match("set a timer for banana"));
  EXPECT_FALSE(matcher.match(""));
}

TEST(IntentMatcher, UserFilesExtendTheBuiltIns) {
  auto matcher = IntentMatcher::builtin();
  const std::size_t before = matcher.size();
  matcher.extend(IntentMatcher::from_json(
      R"json({"intents":[{"name":"tea","tool":"set_timer","arguments":{"duration_s":180,"label":"tea"},
          "sentences":["(brew|make) [me] [a] (tea|cup of tea)"]}]})json",
      "tea.json"));
  EXPECT_EQ(matcher.size(), before + 1);
  const auto found = matcher.match("brew me a cup of tea");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->intent, "tea");
  EXPECT_EQ(found->arguments, (json{{"duration_s", 180}, {"label", "tea"}}));
}

TEST(IntentMatcher, LoadsTheConfiguredFileAfterTheBuiltIns) {
  const test::TempDir dir;
  std::ofstream(dir / "mine.json") << R"({"intents":[{"tool":"get_time","sentences":["clock"]}]})";
  const auto matcher = IntentMatcher::load(dir / "mine.json");
  EXPECT_EQ(matcher.size(), IntentMatcher::builtin().size() + 1);
  ASSERT_TRUE(matcher.match("clock"));
  EXPECT_TRUE(matcher.match("what time is it"));
  EXPECT_EQ(IntentMatcher::load("").size(), IntentMatcher::builtin().size());
  EXPECT_THROW(IntentMatcher::load(dir / "missing.json"), Error);
}

TEST(IntentMatcher, BadFilesAreErrorsNamingTheFile) {
  EXPECT_THROW(IntentMatcher::from_json("{", "mine.json"), Error);
  EXPECT_THROW(IntentMatcher::from_json(R"({"intents":[{"sentences":["x"]}]})", "mine.json"), Error);
  try {
    IntentMatcher::from_json(R"({"intents":[{"tool":"t","sentences":["(a|b"]}]})", "mine.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("(a|b"));
  }
}

}  // namespace
}  // namespace lv::tools
