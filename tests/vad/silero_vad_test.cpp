#include "vad/silero_vad.h"

#include <gtest/gtest.h>

#include <fstream>

#include "audio/resampler.h"
#include "stt/speech_fixtures.h"
#include "support/test_paths.h"
#include "util/error.h"

namespace lv::vad {
namespace {

class SileroVadTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto path = test::silero_model_path();
    if (path) {
      vad_ = new SileroVad(*path);
    }
  }
  static void TearDownTestSuite() {
    delete vad_;
    vad_ = nullptr;
  }
  void SetUp() override {
    if (vad_ == nullptr) {
      GTEST_SKIP() << "the Silero model could not be fetched: the npm registry is unreachable";
    }
  }
  static SileroVad* vad_;
};
SileroVad* SileroVadTest::vad_ = nullptr;

TEST_F(SileroVadTest, FindsSpeechBoundariesInPaddedUtterance) {
  for (const std::string voice : {"slt", "rms"}) {
    const auto speech = test::flite_speech("what is the weather like in paris tomorrow", voice);
    const auto audio = test::concat(test::concat(test::silence(1.2), speech), test::silence(1.5));
    const auto truth = test::signal_bounds(audio);
    VadTimings timings;
    const auto segments = detect_segments(*vad_, audio, {}, &timings);
    ASSERT_EQ(segments.size(), 1U) << voice;
    const double pad_s = vad_->options().speech_pad_ms / 1000.0;
    EXPECT_NEAR(segments[0].start_s + pad_s, truth.start_s, 0.1) << voice;
    EXPECT_NEAR(segments[0].end_s - pad_s, truth.end_s, 0.1) << voice;
    EXPECT_GT(segments[0].max_probability, 0.8F);
    EXPECT_EQ(timings.frames, (audio.samples.size() + 511) / 512);
  }
}

TEST_F(SileroVadTest, FindsNothingInSilenceOrQuietWhiteNoise) {
  EXPECT_TRUE(detect_segments(*vad_, test::silence(3.0)).empty());
  EXPECT_TRUE(detect_segments(*vad_, test::white_noise(3.0, -30.0)).empty());
}

TEST_F(SileroVadTest, AcceptsOtherSampleRates) {
  const auto speech = test::flite_speech("turn the music down");
  const auto audio = audio::resample(test::concat(test::concat(test::silence(0.8), speech), test::silence(0.8)), 44100);
  EXPECT_EQ(detect_segments(*vad_, audio).size(), 1U);
}

TEST_F(SileroVadTest, StreamsAreIndependent) {
  const auto speech = test::concat(test::silence(0.5), test::flite_speech("hello there, how are you doing"));
  auto a = vad_->open_stream();
  auto b = vad_->open_stream();
  // Interleaved pushes: if the streams shared state, b would see a's speech.
  const std::span<const float> samples(speech.samples);
  const auto quiet = test::silence(0.032);
  for (std::size_t offset = 0; offset + 512 <= samples.size() * 3 / 4; offset += 512) {
    a->push(samples.subspan(offset, 512));
    b->push(quiet.samples);
  }
  EXPECT_TRUE(a->in_speech());
  EXPECT_GT(a->last_probability(), 0.5F);
  EXPECT_FALSE(b->in_speech());
  a->reset();
  EXPECT_DOUBLE_EQ(a->time_s(), 0.0);
  EXPECT_FALSE(a->in_speech());
}

TEST(SileroVadFile, MissingModelNamesTheFetchScript) {
  try {
    SileroVad vad("/nonexistent/silero_vad_v5.onnx");
    FAIL() << "expected lv::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not found"), std::string::npos);
    EXPECT_NE(e.fix().find("fetch-silero-model"), std::string::npos);
  }
}

TEST(SileroVadFile, NonModelFileIsRejected) {
  test::TempDir dir;
  const auto path = dir / "silero_vad_v5.onnx";
  std::ofstream(path) << std::string(4096, 'x');
  EXPECT_THROW(SileroVad{path}, Error);
}

}  // namespace
}  // namespace lv::vad
