#include "tools/intent_template.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace lv::tools {
namespace {

std::optional<SlotValues> match(std::string_view sentence, std::string_view utterance) {
  return IntentTemplate(sentence).match(intent_words(utterance));
}

TEST(IntentWords, LowerCasesAndDropsPunctuation) {
  EXPECT_EQ(intent_words("What's the TIME, please?"), (std::vector<std::string>{"what's", "the", "time", "please"}));
  EXPECT_EQ(intent_words("twenty-five at 5:30 or 2.5."),
            (std::vector<std::string>{"twenty", "five", "at", "5:30", "or", "2.5"}));
  EXPECT_EQ(intent_words("'quoted'"), (std::vector<std::string>{"quoted"}));
}

TEST(IntentTemplate, AlternativesAndOptionalWords) {
  const char* sentence = "(set|start) [a] timer for {duration}";
  EXPECT_TRUE(match(sentence, "set a timer for five minutes"));
  EXPECT_TRUE(match(sentence, "start timer for five minutes"));
  EXPECT_FALSE(match(sentence, "make a timer for five minutes"));
  EXPECT_FALSE(match(sentence, "set a timer for"));
  EXPECT_FALSE(match(sentence, "set a timer for five minutes now"));
  EXPECT_TRUE(match("(what's|what is) the time", "what's the time"));
  EXPECT_TRUE(match("(what's|what is) the time", "what is the time"));
  EXPECT_TRUE(match("[the|my] timer", "timer"));
  EXPECT_TRUE(match("[the|my] timer", "my timer"));
}

TEST(IntentTemplate, SlotsTakeTypedValues) {
  const auto values = match("(set|start) [a] timer for {duration}", "set a timer for one hour and thirty minutes");
  ASSERT_TRUE(values);
  EXPECT_EQ(std::get<double>(values->at("duration")), 5400);
  const auto labelled = match("set a {label} timer for {duration}", "set a pasta sauce timer for 10 minutes");
  ASSERT_TRUE(labelled);
  EXPECT_EQ(std::get<std::string>(labelled->at("label")), "pasta sauce");
  EXPECT_EQ(std::get<double>(labelled->at("duration")), 600);
  const auto timed = match("remind me at {time} to {label}", "remind me at five thirty pm to call mom");
  ASSERT_TRUE(timed);
  EXPECT_EQ(std::get<std::string>(timed->at("time")), "17:30");
  EXPECT_EQ(std::get<std::string>(timed->at("label")), "call mom");
  const auto counted = match("{count:number} apples", "twenty two apples");
  ASSERT_TRUE(counted);
  EXPECT_EQ(std::get<double>(counted->at("count")), 22);
}

TEST(IntentTemplate, ASlotThatDoesNotParseFailsTheMatch) {
  EXPECT_FALSE(match("timer for {duration}", "timer for banana"));
  EXPECT_FALSE(match("at {time}", "at thirty nine"));
}

TEST(IntentTemplate, MalformedTemplatesAreErrors) {
  EXPECT_THROW(IntentTemplate("(set|start timer"), Error);
  EXPECT_THROW(IntentTemplate("set] timer"), Error);
  EXPECT_THROW(IntentTemplate("(set||start) timer"), Error);
  EXPECT_THROW(IntentTemplate("timer for {length:meters}"), Error);
  EXPECT_THROW(IntentTemplate("timer for {duration"), Error);
}

}  // namespace
}  // namespace lv::tools
