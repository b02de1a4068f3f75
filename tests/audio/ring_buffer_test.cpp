#include "audio/ring_buffer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <deque>
#include <thread>
#include <vector>

#include "util/error.h"

namespace lv::audio {
namespace {

std::vector<float> ramp(float start, std::size_t count) {
  std::vector<float> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    out[i] = start + static_cast<float>(i);
  }
  return out;
}

std::vector<float> pop_all(RingBuffer& ring) {
  std::vector<float> out(ring.capacity() + 4);
  out.resize(ring.pop(out));
  return out;
}

TEST(RingBufferTest, KeepsOrderWithoutOverflow) {
  RingBuffer ring(8);
  EXPECT_EQ(ring.push(ramp(0, 3)), 0U);
  EXPECT_EQ(ring.push(ramp(3, 2)), 0U);
  EXPECT_EQ(ring.size(), 5U);
  std::vector<float> out(2);
  EXPECT_EQ(ring.pop(out), 2U);
  EXPECT_EQ(out, ramp(0, 2));
  EXPECT_EQ(pop_all(ring), ramp(2, 3));
  EXPECT_EQ(ring.size(), 0U);
  EXPECT_EQ(ring.dropped_samples(), 0U);
}

TEST(RingBufferTest, PopFromEmptyReturnsNothing) {
  RingBuffer ring(4);
  std::vector<float> out(3, -1.0f);
  EXPECT_EQ(ring.pop(out), 0U);
  EXPECT_EQ(out, std::vector<float>(3, -1.0f));
}

TEST(RingBufferTest, OverflowDropsOldestAndCounts) {
  RingBuffer ring(5);
  ring.push(ramp(0, 4));
  EXPECT_EQ(ring.push(ramp(4, 3)), 2U);  // 0 and 1 go
  EXPECT_EQ(ring.size(), 5U);
  EXPECT_EQ(ring.dropped_samples(), 2U);
  EXPECT_EQ(pop_all(ring), ramp(2, 5));
}

TEST(RingBufferTest, PushLargerThanCapacityKeepsNewest) {
  RingBuffer ring(4);
  ring.push(ramp(100, 2));
  EXPECT_EQ(ring.push(ramp(0, 10)), 8U);  // both held samples and the first 6 new ones
  EXPECT_EQ(ring.dropped_samples(), 8U);
  EXPECT_EQ(pop_all(ring), ramp(6, 4));
  EXPECT_EQ(ring.push(ramp(0, 4)), 0U);  // exactly full is not an overflow
  EXPECT_EQ(ring.dropped_samples(), 8U);
}

TEST(RingBufferTest, MatchesAQueueModelThroughManyWraparounds) {
  RingBuffer ring(7);
  std::deque<float> model;  // a plain queue that drops its front when over capacity
  std::uint64_t model_dropped = 0;
  float next = 0.0f;
  for (int round = 0; round < 500; ++round) {
    const std::size_t push_count = static_cast<std::size_t>((round * 7) % 11);
    const std::vector<float> input = ramp(next, push_count);
    next += static_cast<float>(push_count);
    std::size_t expected_drop = 0;
    for (const float value : input) {
      model.push_back(value);
      if (model.size() > ring.capacity()) {
        model.pop_front();
        ++expected_drop;
      }
    }
    model_dropped += expected_drop;
    ASSERT_EQ(ring.push(input), expected_drop) << "round " << round;

    std::vector<float> out(static_cast<std::size_t>((round * 5) % 9));
    out.resize(ring.pop(out));
    for (const float value : out) {
      ASSERT_FALSE(model.empty());
      ASSERT_EQ(value, model.front()) << "round " << round;
      model.pop_front();
    }
    ASSERT_EQ(ring.size(), model.size());
    ASSERT_EQ(ring.dropped_samples(), model_dropped);
  }
  EXPECT_GT(model_dropped, 0U);  // the schedule does overflow
}

TEST(RingBufferTest, ClearEmptiesButKeepsDropCount) {
  RingBuffer ring(2);
  ring.push(ramp(0, 3));
  ring.clear();
  EXPECT_EQ(ring.size(), 0U);
  EXPECT_EQ(ring.dropped_samples(), 1U);
  ring.push(ramp(9, 1));
  EXPECT_EQ(pop_all(ring), ramp(9, 1));
}

TEST(RingBufferTest, ZeroCapacityIsRejected) { EXPECT_THROW(RingBuffer(0), Error); }

TEST(RingBufferTest, ConcurrentProducerAndConsumerLoseNothingButDrops) {
  RingBuffer ring(256);
  constexpr int kBlocks = 20000;
  constexpr std::size_t kBlock = 32;
  std::atomic<bool> done = false;
  std::uint64_t received = 0;
  bool ordered = true;
  std::thread consumer([&] {
    std::vector<float> out(50);
    float last = -1.0f;
    for (;;) {
      const bool finished = done.load();
      const std::size_t count = ring.pop(out);
      for (std::size_t i = 0; i < count; ++i) {
        ordered = ordered && out[i] > last;  // drops skip values, but order never goes back
        last = out[i];
      }
      received += count;
      if (count == 0 && finished) {
        break;
      }
    }
  });
  for (int block = 0; block < kBlocks; ++block) {
    ring.push(ramp(static_cast<float>(block) * kBlock, kBlock));
  }
  done = true;
  consumer.join();
  EXPECT_TRUE(ordered);
  EXPECT_EQ(received + ring.dropped_samples(), std::uint64_t{kBlocks} * kBlock);
}

}  // namespace
}  // namespace lv::audio
