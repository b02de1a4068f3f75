#include "vad/speech_gate.h"

#include <gtest/gtest.h>

#include <vector>

namespace lv::vad {
namespace {

constexpr double kFrameS = 0.032;

std::vector<VadEvent> run_gate(const VadOptions& options, const std::vector<float>& probabilities) {
  SpeechGate gate(options, kFrameS);
  std::vector<VadEvent> events;
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    if (auto event = gate.update(probabilities[i], static_cast<double>(i) * kFrameS)) {
      events.push_back(*event);
    }
  }
  if (auto event = gate.finish(static_cast<double>(probabilities.size()) * kFrameS)) {
    events.push_back(*event);
  }
  return events;
}

std::vector<float> pattern(std::initializer_list<std::pair<int, float>> runs) {
  std::vector<float> out;
  for (const auto& [count, value] : runs) {
    out.insert(out.end(), static_cast<std::size_t>(count), value);
  }
  return out;
}

TEST(SpeechGate, EmitsStartAndEndWithPaddedTimes) {
  VadOptions options;
  options.min_speech_ms = 64;
  options.min_silence_ms = 96;
  options.speech_pad_ms = 32;
  const auto events = run_gate(options, pattern({{10, 0.0F}, {20, 0.9F}, {10, 0.0F}}));
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].type, VadEventType::speech_start);
  EXPECT_NEAR(events[0].time_s, 10 * kFrameS - 0.032, 1e-9);
  EXPECT_FLOAT_EQ(events[0].probability, 0.9F);
  EXPECT_EQ(events[1].type, VadEventType::speech_end);
  EXPECT_NEAR(events[1].time_s, 30 * kFrameS + 0.032, 1e-9);
}

TEST(SpeechGate, IgnoresBurstsShorterThanMinSpeech) {
  VadOptions options;
  options.min_speech_ms = 250;
  EXPECT_TRUE(run_gate(options, pattern({{5, 0.0F}, {3, 0.95F}, {20, 0.0F}})).empty());
}

TEST(SpeechGate, ShortPausesDoNotSplitASegment) {
  VadOptions options;
  options.min_speech_ms = 64;
  options.min_silence_ms = 300;
  const auto events = run_gate(options, pattern({{10, 0.9F}, {5, 0.0F}, {10, 0.9F}, {20, 0.0F}}));
  ASSERT_EQ(events.size(), 2U);
  EXPECT_NEAR(events[1].time_s, 25 * kFrameS + options.speech_pad_ms / 1000.0, 1e-9);
}

TEST(SpeechGate, HysteresisKeepsSpeechBetweenThresholds) {
  VadOptions options;
  options.threshold = 0.5F;
  options.min_speech_ms = 64;
  options.min_silence_ms = 96;
  // 0.4 is below the threshold but above the release threshold (0.35): the segment stays open.
  const auto events = run_gate(options, pattern({{5, 0.9F}, {20, 0.4F}}));
  ASSERT_EQ(events.size(), 2U);
  EXPECT_NEAR(events[1].time_s, 25 * kFrameS, 1e-9);  // closed by finish() at the end of the audio
}

TEST(SpeechGate, OpenSegmentIsClosedAtEndOfAudio) {
  VadOptions options;
  options.min_speech_ms = 64;
  const auto events = run_gate(options, pattern({{3, 0.0F}, {10, 0.8F}}));
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[1].type, VadEventType::speech_end);
  EXPECT_NEAR(events[1].time_s, 13 * kFrameS, 1e-9);
}

TEST(SpeechGate, StartNeverPrecedesPreviousEnd) {
  VadOptions options;
  options.min_speech_ms = 32;
  options.min_silence_ms = 64;
  options.speech_pad_ms = 200;
  const auto events = run_gate(options, pattern({{4, 0.9F}, {2, 0.0F}, {4, 0.9F}}));
  ASSERT_EQ(events.size(), 4U);
  EXPECT_GE(events[2].time_s, events[1].time_s);
}

TEST(SegmentsFromEvents, PairsEventsAndClosesOpenOnes) {
  const std::vector<VadEvent> events{{VadEventType::speech_start, 1.0, 0.9F},
                                     {VadEventType::speech_end, 2.0, 0.1F},
                                     {VadEventType::speech_start, 3.0, 0.8F}};
  const auto segments = segments_from_events(events, 5.0);
  ASSERT_EQ(segments.size(), 2U);
  EXPECT_DOUBLE_EQ(segments[0].start_s, 1.0);
  EXPECT_DOUBLE_EQ(segments[0].end_s, 2.0);
  EXPECT_DOUBLE_EQ(segments[1].end_s, 5.0);
  EXPECT_FLOAT_EQ(segments[1].max_probability, 0.8F);
}

}  // namespace
}  // namespace lv::vad
