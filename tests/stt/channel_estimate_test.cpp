#include "stt/channel_estimate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace lv::stt {
namespace {

TEST(ChannelEstimate, KnowsNothingBeforeTheFirstUtterance) {
  const ChannelEstimate channel;
  EXPECT_EQ(channel.weight_s(), 0.0);
  EXPECT_EQ(channel.blend({1.0, 2.0}, 0.5), (std::vector<double>{1.0, 2.0}));
  EXPECT_TRUE(channel.blend({}, 0.0).empty());
}

TEST(ChannelEstimate, BlendsByTheSecondsEachSideWasMeasuredOn) {
  ChannelEstimate channel(8.0);
  channel.learn({10.0, 0.0}, 3.0);
  EXPECT_EQ(channel.weight_s(), 3.0);
  // 3 s of the earlier mean against 1 s of this utterance.
  const auto mixed = channel.blend({2.0, 4.0}, 1.0);
  ASSERT_EQ(mixed.size(), 2U);
  EXPECT_DOUBLE_EQ(mixed[0], 8.0);
  EXPECT_DOUBLE_EQ(mixed[1], 1.0);
  // An utterance that has no mean yet (digital silence) starts from what was learnt.
  EXPECT_EQ(channel.blend({}, 0.0), (std::vector<double>{10.0, 0.0}));
}

TEST(ChannelEstimate, EarlierUtterancesCountForAtMostTheCap) {
  ChannelEstimate channel(4.0);
  channel.learn({0.0}, 3.0);
  channel.learn({12.0}, 3.0);
  EXPECT_DOUBLE_EQ(channel.blend({}, 0.0)[0], 6.0);
  EXPECT_EQ(channel.weight_s(), 4.0);
  // A new microphone: six 3 s utterances move the estimate 97% of the way (each keeps 4/7 of what was left).
  for (int i = 0; i < 6; ++i) {
    channel.learn({100.0}, 3.0);
  }
  EXPECT_GT(channel.blend({}, 0.0)[0], 95.0);
}

TEST(ChannelEstimate, IgnoresMeansThatAreNotFiniteOrEmpty) {
  ChannelEstimate channel;
  channel.learn({5.0, 5.0}, 2.0);
  channel.learn({std::numeric_limits<double>::quiet_NaN(), 1.0}, 2.0);
  channel.learn({}, 2.0);
  channel.learn({1.0, 1.0}, 0.0);
  EXPECT_EQ(channel.blend({}, 0.0), (std::vector<double>{5.0, 5.0}));
  EXPECT_EQ(channel.weight_s(), 2.0);
}

TEST(ChannelEstimate, AMeanOfAnotherSizeReplacesTheEstimate) {
  ChannelEstimate channel;
  channel.learn({5.0, 5.0}, 2.0);
  // Another model with another feature size: blending would mix unrelated numbers.
  EXPECT_EQ(channel.blend({1.0, 2.0, 3.0}, 1.0), (std::vector<double>{1.0, 2.0, 3.0}));
  channel.learn({1.0, 2.0, 3.0}, 1.0);
  EXPECT_EQ(channel.blend({}, 0.0), (std::vector<double>{1.0, 2.0, 3.0}));
  EXPECT_EQ(channel.weight_s(), 1.0);
}

}  // namespace
}  // namespace lv::stt
