#include "kb/answer_confidence.h"

#include <gtest/gtest.h>

#include "kb/tokenizer.h"

namespace lv::kb {
namespace {

using Terms = std::vector<std::string>;

TEST(AnswerTermsTest, DropsTheMeasureWordAfterHow) {
  EXPECT_EQ(answer_terms("how long do I boil an egg"), (Terms{"boil", "egg"}));
  EXPECT_EQ(answer_terms("How MANY intervals are in the plan?"), (Terms{"interval", "plan"}));
  EXPECT_EQ(answer_terms("how often should I descale it"), (Terms{"descal"}));
}

TEST(AnswerTermsTest, KeepsTheSameWordsWhenTheyNameTheTopic) {
  EXPECT_EQ(answer_terms("when is the long run"), (Terms{"long", "run"}));
  EXPECT_EQ(answer_terms("how do I plan a long run"), (Terms{"plan", "long", "run"}));
  // Only one "long" asks for a duration here; the other is what the question is about.
  EXPECT_EQ(answer_terms("how long is the long run"), (Terms{"long", "run"}));
}

TEST(AnswerTermsTest, IsTheTokenizerWithoutMeasureWords) {
  EXPECT_EQ(answer_terms("what is the boiler pressure"), tokenize("what is the boiler pressure"));
  EXPECT_TRUE(answer_terms("").empty());
  EXPECT_TRUE(answer_terms("how long").empty());
  EXPECT_EQ(answer_terms("how"), Terms{});
}

TEST(TermCoverageTest, WeighsEachTermByItsWeight) {
  const Terms question = {"boil", "egg", "long"};
  const std::vector<double> weights = {3.0, 3.0, 1.0};
  EXPECT_DOUBLE_EQ(term_coverage(question, weights, {"long", "run", "plan"}), 1.0 / 7.0);
  EXPECT_DOUBLE_EQ(term_coverage(question, weights, {"boil", "egg"}), 6.0 / 7.0);
  EXPECT_DOUBLE_EQ(term_coverage(question, weights, {"egg", "boil", "long"}), 1.0);
  EXPECT_DOUBLE_EQ(term_coverage(question, weights, {}), 0.0);
}

TEST(TermCoverageTest, CountsARepeatedTermOnceAndMissingWeightsAsOne) {
  EXPECT_DOUBLE_EQ(term_coverage({"egg", "egg", "boil"}, {2.0, 2.0, 2.0}, {"egg"}), 0.5);
  EXPECT_DOUBLE_EQ(term_coverage({"egg", "boil"}, {}, {"boil"}), 0.5);
  EXPECT_DOUBLE_EQ(term_coverage({"egg", "boil"}, {-1.0, 1.0}, {"egg"}), 0.0) << "negative weights count as 0";
  EXPECT_DOUBLE_EQ(term_coverage({}, {}, {"egg"}), 0.0);
}

TEST(AnswersAloneTest, NeedsBothTheScoreAndTheCoverage) {
  EXPECT_TRUE(answers_alone({0.5, 1.0}));
  EXPECT_FALSE(answers_alone({0.9, 0.3})) << "one shared rare word";
  EXPECT_FALSE(answers_alone({0.1, 1.0})) << "every word, but only in passing";
  EXPECT_FALSE(answers_alone({0, 0}));
}

TEST(AnswersAloneTest, BarIsInclusiveAndStricterThanKbMinScore) {
  const AnswerBar bar;
  EXPECT_GT(bar.min_score, 0.15);
  EXPECT_TRUE(answers_alone({bar.min_score, bar.min_coverage}));
  EXPECT_FALSE(answers_alone({bar.min_score - 0.01, bar.min_coverage}));
  EXPECT_FALSE(answers_alone({bar.min_score, bar.min_coverage - 0.01}));
  EXPECT_TRUE(answers_alone({0.2, 0.5}, AnswerBar{0.2, 0.5}));
}

}  // namespace
}  // namespace lv::kb
