#include "kb/passage_text.h"

#include <gtest/gtest.h>

#include "kb/tokenizer.h"

namespace lv::kb {
namespace {

TEST(PassageTextTest, SnippetCentresOnTheMatchingWords) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "filler" + std::to_string(i) + " ";
  text += "the boiler pressure should read 1.2 bar ";
  for (int i = 0; i < 100; ++i) text += "tail" + std::to_string(i) + " ";
  const std::string snippet = make_snippet(text, tokenize("boiler pressure"), 20);
  EXPECT_NE(snippet.find("boiler pressure"), std::string::npos) << snippet;
  EXPECT_EQ(snippet.substr(0, 3), "…");
  EXPECT_EQ(snippet.substr(snippet.size() - 3), "…");
  EXPECT_EQ(make_snippet("short  text\nhere", tokenize("x")), "short text here");
}

TEST(PassageTextTest, LeadingSentencesStopAtThreeOrTheWordBudget) {
  EXPECT_EQ(leading_sentences("One. Two. Three. Four."), "One. Two. Three.");
  EXPECT_EQ(leading_sentences("A short one. " + std::string("word ") + "then a long sentence that goes on and on", 6),
            "A short one.");
  std::string long_sentence;
  for (int i = 0; i < 60; ++i) long_sentence += "word ";
  const std::string cut = leading_sentences(long_sentence, 40);
  EXPECT_EQ(cut.back(), '.');
  EXPECT_LE(std::count(cut.begin(), cut.end(), ' '), 40);
  EXPECT_EQ(leading_sentences(""), "");
}

}  // namespace
}  // namespace lv::kb
