#include "audio/frame_chunker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <span>
#include <vector>

#include "util/error.h"

namespace lv::audio {
namespace {

std::vector<float> ramp(std::size_t count, float start = 1.0f) {
  std::vector<float> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    out[i] = start + static_cast<float>(i);
  }
  return out;
}

// Collects emitted frames.
struct Frames {
  std::vector<std::vector<float>> frames;
  void operator()(std::span<const float> frame) { frames.emplace_back(frame.begin(), frame.end()); }
};

TEST(FrameChunkerTest, FrameSamplesForCommonRates) {
  EXPECT_EQ(FrameChunker::frame_samples_for(16000, 20), 320U);
  EXPECT_EQ(FrameChunker::frame_samples_for(16000, 32), 512U);
  EXPECT_EQ(FrameChunker::frame_samples_for(48000, 20), 960U);
  EXPECT_EQ(FrameChunker::frame_samples_for(44100, 20), 882U);
  EXPECT_EQ(FrameChunker::frame_samples_for(22050, 32), 706U);  // 705.6 rounds to nearest
  EXPECT_EQ(FrameChunker::frame_samples_for(8000, 32), 256U);
  EXPECT_THROW(FrameChunker::frame_samples_for(0, 20), Error);
  EXPECT_THROW(FrameChunker::frame_samples_for(16000, 0), Error);
}

TEST(FrameChunkerTest, CutsExactFramesAcrossUnevenPushes) {
  FrameChunker chunker(FrameChunker::frame_samples_for(16000, 20));
  Frames out;
  const std::vector<float> input = ramp(320 * 5 + 17);
  const auto on_frame = [&](std::span<const float> frame) { out(frame); };
  std::size_t pos = 0;
  for (const std::size_t size : {1U, 100U, 319U, 0U, 641U, 500U, 10000U}) {
    const std::size_t take = std::min(size, input.size() - pos);
    chunker.push(std::span<const float>(input).subspan(pos, take), on_frame);
    pos += take;
  }
  ASSERT_EQ(out.frames.size(), 5U);
  for (std::size_t i = 0; i < out.frames.size(); ++i) {
    EXPECT_EQ(out.frames[i], ramp(320, 1.0f + static_cast<float>(i * 320)));
  }
  EXPECT_EQ(chunker.pending_samples(), 17U);
}

TEST(FrameChunkerTest, FlushPadsThePartialFrameWithZeros) {
  FrameChunker chunker(4);
  Frames out;
  const auto on_frame = [&](std::span<const float> frame) { out(frame); };
  chunker.push(ramp(6), on_frame);
  EXPECT_TRUE(chunker.flush(on_frame));
  ASSERT_EQ(out.frames.size(), 2U);
  EXPECT_EQ(out.frames[1], (std::vector<float>{5.0f, 6.0f, 0.0f, 0.0f}));
  EXPECT_EQ(chunker.pending_samples(), 0U);
  EXPECT_FALSE(chunker.flush(on_frame));  // nothing left
  EXPECT_EQ(out.frames.size(), 2U);

  // After a flush the chunker starts a fresh frame.
  chunker.push(ramp(4, 10.0f), on_frame);
  ASSERT_EQ(out.frames.size(), 3U);
  EXPECT_EQ(out.frames[2], ramp(4, 10.0f));
}

TEST(FrameChunkerTest, ExactMultipleLeavesNothingToFlush) {
  FrameChunker chunker(512);
  Frames out;
  const auto on_frame = [&](std::span<const float> frame) { out(frame); };
  chunker.push(ramp(1024), on_frame);
  EXPECT_EQ(out.frames.size(), 2U);
  EXPECT_FALSE(chunker.flush(on_frame));
}

TEST(FrameChunkerTest, ZeroFrameSizeIsRejected) { EXPECT_THROW(FrameChunker(0), Error); }

}  // namespace
}  // namespace lv::audio
