#include "wake/wake_detector.h"

#include <gtest/gtest.h>

#include <memory>
#include <numeric>
#include <vector>

namespace lv::wake {
namespace {

constexpr std::size_t kFrame = 1280;

// Scores each frame by the mean of its samples divided by 1000: a test sets a frame's score through its audio.
class MeanScorer final : public WakeFrameScorer {
 public:
  std::vector<float> score(std::span<const std::int16_t> frame) override {
    EXPECT_EQ(frame.size(), kFrame);
    const double sum = std::accumulate(frame.begin(), frame.end(), 0.0);
    return {static_cast<float>(sum / static_cast<double>(frame.size()) / 1000.0)};
  }
  void reset() override {}
};

WakeDetector detector_with(WakeOptions options) {
  return WakeDetector(std::make_unique<MeanScorer>(), WakeCapabilities{"mean", kFrame, {"word"}}, options);
}

// One frame per score: a frame of samples all equal to score * 1000.
std::vector<std::int16_t> frames_scoring(const std::vector<float>& scores) {
  std::vector<std::int16_t> out;
  for (const float score : scores) {
    out.insert(out.end(), kFrame, static_cast<std::int16_t>(score * 1000.0F));
  }
  return out;
}

TEST(WakeDetector, ChunksOfAnySizeGiveTheSameFramesAndDetections) {
  const auto audio = frames_scoring({0.1F, 0.2F, 0.9F, 0.3F, 0.0F, 0.8F, 0.7F});
  std::vector<std::vector<float>> scores_by_chunk;
  std::vector<std::vector<std::int64_t>> detections_by_chunk;
  for (const std::size_t chunk : {kFrame, std::size_t{1}, std::size_t{333}, std::size_t{1000}, std::size_t{4099}}) {
    auto detector = detector_with({.threshold = 0.5F, .trigger_level = 1, .refractory_ms = 0});
    std::vector<float> scores;
    detector.on_frame([&scores](const WakeFrame& frame) { scores.push_back(frame.scores.at(0)); });
    std::vector<std::int64_t> times;
    for (std::size_t offset = 0; offset < audio.size(); offset += chunk) {
      const auto piece = std::span(audio).subspan(offset, std::min(chunk, audio.size() - offset));
      for (const auto& detection : detector.push(piece)) {
        times.push_back(detection.timestamp_ms);
      }
    }
    EXPECT_EQ(detector.frames(), 7U) << chunk;
    scores_by_chunk.push_back(scores);
    detections_by_chunk.push_back(times);
  }
  for (std::size_t i = 1; i < scores_by_chunk.size(); ++i) {
    EXPECT_EQ(scores_by_chunk[i], scores_by_chunk[0]);
    EXPECT_EQ(detections_by_chunk[i], detections_by_chunk[0]);
  }
  // Frames 3, 6 and 7 (ending at 240, 480, 560 ms) are over the threshold.
  EXPECT_EQ(detections_by_chunk[0], (std::vector<std::int64_t>{240, 480, 560}));
}

TEST(WakeDetector, TriggerLevelNeedsConsecutiveFramesOverTheThreshold) {
  auto detector = detector_with({.threshold = 0.5F, .trigger_level = 3, .refractory_ms = 0});
  // Two high frames, a dip, then three high frames: only the second run triggers, on its third frame.
  const auto detections = detector.push(frames_scoring({0.9F, 0.9F, 0.1F, 0.6F, 0.7F, 0.8F}));
  ASSERT_EQ(detections.size(), 1U);
  EXPECT_EQ(detections[0].name, "word");
  EXPECT_EQ(detections[0].timestamp_ms, 480);
  EXPECT_FLOAT_EQ(detections[0].score, 0.8F);
}

TEST(WakeDetector, RefractoryPeriodMakesOneUtteranceOneDetection) {
  auto detector = detector_with({.threshold = 0.5F, .trigger_level = 1, .refractory_ms = 1000});
  // High for 0.4 s (one utterance), low, then high again 1.6 s later (a second utterance).
  std::vector<float> scores(5, 0.9F);
  scores.insert(scores.end(), 15, 0.0F);
  scores.insert(scores.end(), 3, 0.9F);
  const auto detections = detector.push(frames_scoring(scores));
  ASSERT_EQ(detections.size(), 2U);
  EXPECT_EQ(detections[0].timestamp_ms, 80);
  EXPECT_EQ(detections[1].timestamp_ms, 1680);
}

TEST(WakeDetector, SilenceGivesNothingAndResetRestartsTime) {
  auto detector = detector_with({});
  EXPECT_TRUE(detector.push(std::vector<std::int16_t>(kFrame * 10, 0)).empty());
  EXPECT_EQ(detector.time_ms(), 800);
  EXPECT_FLOAT_EQ(detector.max_scores().at(0), 0.0F);
  detector.push(std::vector<std::int16_t>(100, 900));  // a partial frame scores nothing yet
  EXPECT_EQ(detector.frames(), 10U);
  detector.reset();
  EXPECT_EQ(detector.time_ms(), 0);
  EXPECT_EQ(detector.frames(), 0U);
  const auto detections = detector.push(frames_scoring({0.9F}));
  ASSERT_EQ(detections.size(), 1U);
  EXPECT_EQ(detections[0].timestamp_ms, 80);  // the partial frame before the reset was dropped
}

}  // namespace
}  // namespace lv::wake
