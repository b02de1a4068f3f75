#include "kb/bm25_index.h"

#include <gtest/gtest.h>

#include "kb/tokenizer.h"

namespace lv::kb {
namespace {

TEST(Bm25IndexTest, RanksByTermRarityAndFrequency) {
  Bm25Index index;
  index.add(1, tokenize("the router blinks amber after a reset"));
  index.add(2, tokenize("the printer is next to the router"));
  index.add(3, tokenize("bake the bread at 250 degrees"));
  const auto hits = index.search(tokenize("reset router"), 10);
  ASSERT_EQ(hits.size(), 2U);
  EXPECT_EQ(hits[0].id, 1);
  EXPECT_EQ(hits[1].id, 2);
  EXPECT_GT(hits[0].score, hits[1].score);
  EXPECT_GT(hits[0].normalized, 0.0);
  EXPECT_LT(hits[0].normalized, 1.0);
  EXPECT_TRUE(index.search(tokenize("submarine"), 10).empty());
}

TEST(Bm25IndexTest, ShorterDocumentsWinTies) {
  Bm25Index index;
  index.add(1, tokenize("descale the machine with lots of other words around it here and there"));
  index.add(2, tokenize("descale the machine"));
  const auto hits = index.search(tokenize("descale"), 2);
  ASSERT_EQ(hits.size(), 2U);
  EXPECT_EQ(hits[0].id, 2);
}

TEST(Bm25IndexTest, NormalizedScoreReflectsHowMuchOfTheQueryMatched) {
  Bm25Index index;
  index.add(1, tokenize("tomato seedlings planted after frost"));
  index.add(2, tokenize("lawn mower blade height"));
  const double full = index.search(tokenize("tomato frost"), 1).at(0).normalized;
  const double half = index.search(tokenize("tomato unknownword"), 1).at(0).normalized;
  EXPECT_GT(full, half);
  EXPECT_LT(half, 0.6);
}

TEST(Bm25IndexTest, RemoveAndReplaceUpdateThePostings) {
  Bm25Index index;
  index.add(1, tokenize("alpha beta"));
  index.add(2, tokenize("beta gamma"));
  EXPECT_EQ(index.size(), 2U);
  index.remove(1);
  EXPECT_EQ(index.size(), 1U);
  EXPECT_TRUE(index.search(tokenize("alpha"), 5).empty());
  index.add(2, tokenize("delta"));
  EXPECT_TRUE(index.search(tokenize("beta"), 5).empty());
  EXPECT_EQ(index.search(tokenize("delta"), 5).at(0).id, 2);
  index.remove(42);  // unknown ids are ignored
  index.clear();
  EXPECT_EQ(index.size(), 0U);
  EXPECT_TRUE(index.search(tokenize("delta"), 5).empty());
}

TEST(Bm25IndexTest, ReturnsAtMostKStableResults) {
  Bm25Index index;
  for (int id = 1; id <= 20; ++id) index.add(id, tokenize("same words everywhere"));
  const auto hits = index.search(tokenize("words"), 5);
  ASSERT_EQ(hits.size(), 5U);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(hits[static_cast<std::size_t>(i)].id, i + 1);
  EXPECT_TRUE(index.search(tokenize("words"), 0).empty());
}

}  // namespace
}  // namespace lv::kb
