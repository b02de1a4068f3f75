#include "session/prompt_builder.h"

#include <gtest/gtest.h>

namespace lv::session {
namespace {

using llm::ChatMessage;
using llm::ChatRole;

TEST(PromptBuilder, PassagesGetIdsAndGoIntoTheSystemPrompt) {
  const auto passages = number_passages({{"", "a.md", "Setup", "Plug it in.", 1.0}, {"X9", "b.md", "", "B.", 0.5}});
  EXPECT_EQ(passages[0].id, "S1");
  EXPECT_EQ(passages[1].id, "X9");
  const auto messages = build_messages("Be brief.", passages, {}, 10, "how do I start");
  ASSERT_EQ(messages.size(), 2U);
  EXPECT_EQ(messages[0].role, ChatRole::system);
  EXPECT_EQ(messages[0].content.rfind("Be brief.", 0), 0U);
  EXPECT_NE(messages[0].content.find("[S1] a.md > Setup\nPlug it in."), std::string::npos);
  EXPECT_NE(messages[0].content.find("like [S1]"), std::string::npos);
  EXPECT_EQ(messages[1].content, "how do I start");
}

TEST(PromptBuilder, WithoutPassagesTheSystemPromptIsAsGiven) {
  EXPECT_EQ(build_messages("Be brief.", {}, {}, 10, "hi")[0].content, "Be brief.");
}

TEST(PromptBuilder, HistoryIsTrimmedFromTheOldestAndStartsWithAUserMessage) {
  const std::vector<ChatMessage> history = {
      {ChatRole::user, "q1"}, {ChatRole::assistant, "a1"}, {ChatRole::user, "q2"}, {ChatRole::assistant, "a2"}};
  const auto all = build_messages("s", {}, history, 10, "q3");
  EXPECT_EQ(all.size(), 6U);
  const auto three = build_messages("s", {}, history, 3, "q3");  // would start at "a1": dropped too
  ASSERT_EQ(three.size(), 4U);
  EXPECT_EQ(three[1].content, "q2");
  EXPECT_EQ(three[2].content, "a2");
  EXPECT_EQ(build_messages("s", {}, history, 0, "q3").size(), 2U);
}

TEST(PromptBuilder, CitationsCarrySourceHeadingAndAShortSnippet) {
  const std::string long_text(150, 'a');
  const auto citations = citations_for({{"S1", "a.md", "H", long_text + " " + long_text, 0.7}});
  ASSERT_EQ(citations.size(), 1U);
  EXPECT_EQ(citations[0].source, "a.md");
  EXPECT_EQ(citations[0].heading, "H");
  EXPECT_EQ(citations[0].snippet, long_text + "...");
  EXPECT_DOUBLE_EQ(citations[0].score, 0.7);
}

}  // namespace
}  // namespace lv::session
