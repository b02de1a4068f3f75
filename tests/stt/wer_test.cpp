#include "stt/wer.h"

#include <gtest/gtest.h>

namespace lv::stt {
namespace {

TEST(Wer, NormalizesCaseAndPunctuation) {
  EXPECT_EQ(normalize_words("Hello, World! It's 5 o'clock."),
            (std::vector<std::string>{"hello", "world", "it's", "5", "o'clock"}));
  EXPECT_TRUE(normalize_words("  ...  ").empty());
}

TEST(Wer, CountsEachKindOfError) {
  const auto substituted = word_errors("the cat sat on the mat", "the bat sat on the mat");
  EXPECT_EQ(substituted.substitutions, 1U);
  EXPECT_EQ(substituted.errors(), 1U);
  const auto deleted = word_errors("the cat sat on the mat", "the cat sat on mat");
  EXPECT_EQ(deleted.deletions, 1U);
  EXPECT_EQ(deleted.errors(), 1U);
  const auto inserted = word_errors("the cat sat", "the big cat sat down");
  EXPECT_EQ(inserted.insertions, 2U);
  EXPECT_EQ(inserted.errors(), 2U);
  const auto mixed = word_errors("the cat sat on the mat", "the bat sat on mat today");
  EXPECT_EQ(mixed.reference_words, 6U);
  EXPECT_EQ(mixed.errors(), 3U);
  EXPECT_DOUBLE_EQ(mixed.rate(), 0.5);
}

TEST(Wer, IdenticalAndEmpty) {
  EXPECT_DOUBLE_EQ(word_error_rate("Turn it ON.", "turn it on"), 0.0);
  EXPECT_DOUBLE_EQ(word_error_rate("one two", ""), 1.0);
  EXPECT_DOUBLE_EQ(word_error_rate("", ""), 0.0);
  EXPECT_DOUBLE_EQ(word_error_rate("", "noise"), 1.0);
}

TEST(Wer, AccumulatesOverUtterances) {
  WordErrors total;
  total += word_errors("a b c d", "a b c d");
  total += word_errors("e f", "e g");
  EXPECT_EQ(total.reference_words, 6U);
  EXPECT_NEAR(total.rate(), 1.0 / 6.0, 1e-12);
}

}  // namespace
}  // namespace lv::stt
