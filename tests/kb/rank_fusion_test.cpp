#include "kb/rank_fusion.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "util/error.h"

namespace lv::kb {
namespace {

std::vector<std::int64_t> ids_of(const std::vector<FusedHit>& hits) {
  std::vector<std::int64_t> ids;
  for (const auto& hit : hits) {
    ids.push_back(hit.id);
  }
  return ids;
}

TEST(RankFusionTest, ScoresAreSumsOfReciprocalRanks) {
  const auto fused = fuse_rankings({{1, 2, 3}, {3, 1, 4}});
  ASSERT_EQ(fused.size(), 4U);
  // 1: 1/61 + 1/62; 3: 1/63 + 1/61; 2: 1/62; 4: 1/63.
  EXPECT_EQ(ids_of(fused), (std::vector<std::int64_t>{1, 3, 2, 4}));
  EXPECT_DOUBLE_EQ(fused[0].score, 1.0 / 61 + 1.0 / 62);
  EXPECT_DOUBLE_EQ(fused[1].score, 1.0 / 61 + 1.0 / 63);
  EXPECT_DOUBLE_EQ(fused[2].score, 1.0 / 62);
  EXPECT_DOUBLE_EQ(fused[3].score, 1.0 / 63);
  EXPECT_EQ(fused[0].best_rank, 1);
  EXPECT_EQ(fused[3].best_rank, 3);
}

TEST(RankFusionTest, AgreementBeatsOneFirstPlace) {
  // 9 is first in one list only; 5 is second in both: with k = 60 agreement wins.
  const auto fused = fuse_rankings({{9, 5, 6}, {7, 5, 8}});
  EXPECT_EQ(fused[0].id, 5);
  // With k = 0 a first place (1/1) outweighs two second places (1/2 + 1/2 = 1): a tie, broken by best rank.
  const auto sharp = fuse_rankings({{9, 5}, {7, 5}}, 0.0);
  EXPECT_DOUBLE_EQ(sharp[0].score, 1.0);
  EXPECT_DOUBLE_EQ(sharp[2].score, 1.0);
  EXPECT_EQ(ids_of(sharp), (std::vector<std::int64_t>{7, 9, 5}));
}

TEST(RankFusionTest, TiesAreBrokenTheSameWayWhateverTheListOrder) {
  // 10 and 20 hold mirrored ranks across three lists: their scores are equal, bit for bit.
  const std::vector<std::vector<std::int64_t>> lists = {{10, 20, 30}, {20, 30, 10}, {30, 10, 20}};
  const auto a = fuse_rankings(lists);
  const auto b = fuse_rankings({lists[2], lists[0], lists[1]});
  const auto c = fuse_rankings({lists[1], lists[2], lists[0]});
  EXPECT_EQ(a[0].score, a[1].score);
  EXPECT_EQ(a[1].score, a[2].score);
  EXPECT_EQ(ids_of(a), (std::vector<std::int64_t>{10, 20, 30}));  // same best rank: smaller id first
  EXPECT_EQ(ids_of(b), ids_of(a));
  EXPECT_EQ(ids_of(c), ids_of(a));
}

TEST(RankFusionTest, ARepeatCountsOnceAtItsBestRank) {
  const auto fused = fuse_rankings({{4, 4, 5, 4}});
  ASSERT_EQ(fused.size(), 2U);
  EXPECT_EQ(fused[0].id, 4);
  EXPECT_DOUBLE_EQ(fused[0].score, 1.0 / 61);
  EXPECT_DOUBLE_EQ(fused[1].score, 1.0 / 63);  // 5 keeps its own position in the list
}

TEST(RankFusionTest, EmptyAndSingleLists) {
  EXPECT_TRUE(fuse_rankings({}).empty());
  EXPECT_TRUE(fuse_rankings({{}, {}}).empty());
  EXPECT_EQ(ids_of(fuse_rankings({{3, 1, 2}})), (std::vector<std::int64_t>{3, 1, 2}));
  EXPECT_EQ(ids_of(fuse_rankings({{}, {8, 9}})), (std::vector<std::int64_t>{8, 9}));
}

TEST(RankFusionTest, WeightsScaleEachList) {
  const auto fused = fuse_rankings({{1, 2}, {2, 1}}, 60.0, {1.0, 3.0});
  EXPECT_EQ(fused[0].id, 2);
  EXPECT_DOUBLE_EQ(fused[0].score, 3.0 / 61 + 1.0 / 62);
  const auto muted = fuse_rankings({{1}, {2}}, 60.0, {1.0, 0.0});
  EXPECT_EQ(ids_of(muted), (std::vector<std::int64_t>{1, 2}));
  EXPECT_DOUBLE_EQ(muted[1].score, 0.0);
}

TEST(RankFusionTest, BadParametersAreErrors) {
  EXPECT_THROW(fuse_rankings({{1}}, -1.0), Error);
  EXPECT_THROW(fuse_rankings({{1}}, std::numeric_limits<double>::quiet_NaN()), Error);
  EXPECT_THROW(fuse_rankings({{1}, {2}}, 60.0, {1.0}), Error);
  EXPECT_THROW(fuse_rankings({{1}}, 60.0, {-2.0}), Error);
}

TEST(RankFusionTest, ManyListsAndIds) {
  std::vector<std::vector<std::int64_t>> lists(5);
  for (std::int64_t id = 0; id < 1000; ++id) {
    for (std::size_t l = 0; l < lists.size(); ++l) {
      lists[l].push_back((id * static_cast<std::int64_t>(l + 1)) % 1000);  // permutations of 0..999 (not all)
    }
  }
  const auto fused = fuse_rankings(lists);
  for (std::size_t i = 1; i < fused.size(); ++i) {
    EXPECT_GE(fused[i - 1].score, fused[i].score);
  }
  EXPECT_EQ(fused.front().id, 0);  // first in every list
}

}  // namespace
}  // namespace lv::kb
