#include "tts/sentence_splitter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lv::tts {
namespace {

using ::testing::ElementsAre;

SentenceSplitterOptions no_early_clause() {
  SentenceSplitterOptions options;
  options.early_first_clause = false;
  return options;
}

// Feeds text one character at a time, as the worst-case token stream.
std::vector<std::string> split_char_by_char(std::string_view text, SentenceSplitterOptions options) {
  SentenceSplitter splitter(options);
  std::vector<std::string> out;
  for (const char c : text) {
    for (auto& sentence : splitter.push(std::string_view(&c, 1))) {
      out.push_back(std::move(sentence));
    }
  }
  for (auto& sentence : splitter.flush()) {
    out.push_back(std::move(sentence));
  }
  return out;
}

TEST(SplitSentences, SplitsOnSentencePunctuation) {
  EXPECT_THAT(split_sentences("Hello there. How are you? I'm fine! Thanks."),
              ElementsAre("Hello there.", "How are you?", "I'm fine!", "Thanks."));
}

TEST(SplitSentences, KeepsTitlesAndLatinAbbreviationsInside) {
  EXPECT_THAT(split_sentences("Dr. Smith met Mr. Jones at St. Mary's. They talked."),
              ElementsAre("Dr. Smith met Mr. Jones at St. Mary's.", "They talked."));
  EXPECT_THAT(split_sentences("Bring fruit, e.g. apples or pears, i.e. something fresh. Then go."),
              ElementsAre("Bring fruit, e.g. apples or pears, i.e. something fresh.", "Then go."));
}

TEST(SplitSentences, InitialismsEndASentenceOnlyBeforeACapital) {
  EXPECT_THAT(split_sentences("He lives in the U.S. and works remotely. Nice."),
              ElementsAre("He lives in the U.S. and works remotely.", "Nice."));
  EXPECT_THAT(split_sentences("He moved to the U.S. Then he started a company."),
              ElementsAre("He moved to the U.S.", "Then he started a company."));
  EXPECT_THAT(split_sentences("Apples, pears, etc. are fruit. We sell fruit, vegetables, etc. Come by."),
              ElementsAre("Apples, pears, etc. are fruit.", "We sell fruit, vegetables, etc.", "Come by."));
  EXPECT_THAT(split_sentences("Written by J. R. R. Tolkien. Great book."),
              ElementsAre("Written by J. R. R. Tolkien.", "Great book."));
}

TEST(SplitSentences, DecimalsAndDomainsAreNotBoundaries) {
  EXPECT_THAT(split_sentences("Pi is about 3.14159. The price is $3.50 today. See example.com for more."),
              ElementsAre("Pi is about 3.14159.", "The price is $3.50 today.", "See example.com for more."));
}

TEST(SplitSentences, NumberedListsSplitPerItemNotAtTheMarker) {
  EXPECT_THAT(split_sentences("Steps:\n1. Open the lid\n2. Pour the water.\n3. Wait"),
              ElementsAre("Steps:", "1. Open the lid", "2. Pour the water.", "3. Wait"));
  EXPECT_THAT(split_sentences("I counted to 3. Then I stopped."), ElementsAre("I counted to 3.", "Then I stopped."));
}

TEST(SplitSentences, EllipsesContinueBeforeLowercaseAndEndBeforeCapitals) {
  EXPECT_THAT(split_sentences("Well... maybe later. Wait... What was that?"),
              ElementsAre("Well... maybe later.", "Wait...", "What was that?"));
  EXPECT_THAT(split_sentences("Hmm\u2026 okay. Fine\u2026 Go."), ElementsAre("Hmm\u2026 okay.", "Fine\u2026", "Go."));
}

TEST(SplitSentences, ClosingQuotesAndBracketsStayWithTheirSentence) {
  EXPECT_THAT(split_sentences("He said \"Stop.\" Then he left. (It was late.) We slept."),
              ElementsAre("He said \"Stop.\"", "Then he left.", "(It was late.)", "We slept."));
  EXPECT_THAT(split_sentences("She asked \u201CWhy?\u201D Nobody knew."),
              ElementsAre("She asked \u201CWhy?\u201D", "Nobody knew."));
}

TEST(SplitSentences, MultiplePunctuationAndNewlines) {
  EXPECT_THAT(split_sentences("Really?! Yes.\n\nNew paragraph without a stop\nNext line."),
              ElementsAre("Really?!", "Yes.", "New paragraph without a stop", "Next line."));
}

TEST(SplitSentences, DropsPiecesWithNothingToSay) {
  EXPECT_THAT(split_sentences("  ...  \n\n ? Hello."), ElementsAre("Hello."));
  EXPECT_TRUE(split_sentences("").empty());
  EXPECT_TRUE(split_sentences(" \n ").empty());
}

TEST(SplitSentences, CjkFullStopsNeedNoSpace) {
  EXPECT_THAT(split_sentences("\u4F60\u597D\u3002\u8C22\u8C22\uFF01"),
              ElementsAre("\u4F60\u597D\u3002", "\u8C22\u8C22\uFF01"));
}

TEST(SplitSentences, OverlongRunsAreCutAtASpace) {
  std::string text;
  for (int i = 0; i < 200; ++i) {
    text += "word ";
  }
  const auto sentences = split_sentences(text);
  ASSERT_GE(sentences.size(), 3U);
  for (const auto& sentence : sentences) {
    EXPECT_LE(sentence.size(), 400U);
    EXPECT_EQ(sentence.find("wor "), std::string::npos);  // never inside a word
    EXPECT_EQ(sentence.substr(0, 4), "word");
  }
}

TEST(SentenceSplitter, EmitsEachSentenceAsSoonAsItIsComplete) {
  SentenceSplitter splitter(no_early_clause());
  EXPECT_TRUE(splitter.push("Hello wor").empty());
  EXPECT_TRUE(splitter.push("ld.").empty());  // "world." may still become "world.com"
  EXPECT_THAT(splitter.push(" How"), ElementsAre("Hello world."));
  EXPECT_TRUE(splitter.push(" are you").empty());
  EXPECT_THAT(splitter.push("? Fine"), ElementsAre("How are you?"));
  EXPECT_THAT(splitter.flush(), ElementsAre("Fine"));
  EXPECT_TRUE(splitter.pending().empty());
}

TEST(SentenceSplitter, WaitsForTheDigitAfterAPossibleDecimalPoint) {
  SentenceSplitter splitter(no_early_clause());
  EXPECT_TRUE(splitter.push("It costs 3.").empty());
  EXPECT_TRUE(splitter.push("5 euros").empty());
  EXPECT_THAT(splitter.push(". Ok"), ElementsAre("It costs 3.5 euros."));
}

TEST(SentenceSplitter, AmbiguousAbbreviationWaitsForTheNextWord) {
  SentenceSplitter splitter(no_early_clause());
  EXPECT_TRUE(splitter.push("We visited the U.S. ").empty());
  EXPECT_THAT(splitter.push("Then"), ElementsAre("We visited the U.S."));
}

TEST(SentenceSplitter, FirstClauseIsEmittedEarlyOnlyOnce) {
  SentenceSplitter splitter;                     // early first clause on, five words
  EXPECT_TRUE(splitter.push("Well, ").empty());  // too short for an early clause
  EXPECT_THAT(splitter.push("the weather today is quite nice, "),
              ElementsAre("Well, the weather today is quite nice,"));
  EXPECT_TRUE(splitter.push("and tomorrow it will be even better, they say, ").empty());
  EXPECT_THAT(splitter.push("so go out. "), ElementsAre("and tomorrow it will be even better, they say, so go out."));
}

TEST(SentenceSplitter, ThousandsSeparatorIsNotAClause) {
  SentenceSplitter splitter;
  EXPECT_TRUE(splitter.push("The town has exactly 12,500 people living").empty());
}

TEST(SentenceSplitter, FlushResetsForANewStream) {
  SentenceSplitter splitter;
  splitter.push("First stream without end");
  EXPECT_THAT(splitter.flush(), ElementsAre("First stream without end"));
  // A new stream may emit its first clause early again.
  EXPECT_THAT(splitter.push("One two three four five six, seven"), ElementsAre("One two three four five six,"));
  splitter.reset();
  EXPECT_TRUE(splitter.pending().empty());
  EXPECT_TRUE(splitter.flush().empty());
}

TEST(SentenceSplitter, CharacterByCharacterEqualsWholeText) {
  const std::string text =
      "Dr. Smith paid $3.50 for 2.5 kg of apples, e.g. Gala. He said \"Great!\" Then... he left.\n"
      "1. First item\n2. Second item. It has U.S. roots. The end\u2026 Really?! Yes.";
  EXPECT_EQ(split_char_by_char(text, no_early_clause()), split_sentences(text));
  const auto early = split_char_by_char(text, {});
  ASSERT_FALSE(early.empty());
  EXPECT_EQ(early.front(), "Dr. Smith paid $3.50 for 2.5 kg of apples,");
}

}  // namespace
}  // namespace lv::tts
