#include "audio/pcm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <vector>

#include "util/error.h"

namespace lv::audio {
namespace {

TEST(PcmTest, Pcm16ToFloatScalesBy32768) {
  const std::vector<std::int16_t> pcm = {0, 16384, -16384, 32767, -32768, 1};
  EXPECT_EQ(pcm16_to_float(pcm), (std::vector<float>{0.0f, 0.5f, -0.5f, 32767.0f / 32768.0f, -1.0f, 1.0f / 32768.0f}));
}

TEST(PcmTest, EveryPcm16ValueSurvivesARoundTrip) {
  std::vector<std::int16_t> all;
  for (int v = -32768; v <= 32767; ++v) {
    all.push_back(static_cast<std::int16_t>(v));
  }
  EXPECT_EQ(float_to_pcm16(pcm16_to_float(all)), all);
}

TEST(PcmTest, FloatToPcm16ClipsOutOfRangeValues) {
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> samples = {1.0f, -1.0f, 1.5f, -7.0f, inf, -inf, std::numeric_limits<float>::quiet_NaN()};
  EXPECT_EQ(float_to_pcm16(samples), (std::vector<std::int16_t>{32767, -32768, 32767, -32768, 32767, -32768, 0}));
}

TEST(PcmTest, FloatToPcm16RoundsToNearest) {
  const float step = 1.0f / 32768.0f;
  const std::vector<float> samples = {0.4f * step, 0.6f * step,  -0.4f * step,   -0.6f * step,
                                      0.5f * step, -0.5f * step, 100.49f * step, -100.51f * step};
  // Halves round away from zero, whatever the floating-point rounding mode.
  EXPECT_EQ(float_to_pcm16(samples), (std::vector<std::int16_t>{0, 1, 0, -1, 1, -1, 100, -101}));
}

TEST(PcmTest, DownmixAveragesChannels) {
  const AudioBuffer stereo{{1.0f, 0.0f, 0.5f, -0.5f, -1.0f, -0.5f}, 44100, 2};
  const AudioBuffer mono = downmix_to_mono(stereo);
  EXPECT_EQ(mono.channels, 1);
  EXPECT_EQ(mono.sample_rate_hz, 44100);
  EXPECT_EQ(mono.samples, (std::vector<float>{0.5f, 0.0f, -0.75f}));

  const AudioBuffer three{{0.3f, 0.3f, 0.3f, 0.9f, 0.0f, 0.0f}, 8000, 3};
  const AudioBuffer mixed = downmix_to_mono(three);
  ASSERT_EQ(mixed.samples.size(), 2U);
  EXPECT_FLOAT_EQ(mixed.samples[0], 0.3f);
  EXPECT_FLOAT_EQ(mixed.samples[1], 0.3f);
}

TEST(PcmTest, DownmixKeepsMonoAndRejectsNoChannels) {
  const AudioBuffer mono{{0.1f, 0.2f}, 16000, 1};
  EXPECT_EQ(downmix_to_mono(mono).samples, mono.samples);
  EXPECT_THROW(downmix_to_mono(AudioBuffer{{0.1f}, 16000, 0}), Error);
}

TEST(PcmTest, RmsDbfsOfKnownSignals) {
  std::vector<float> sine(16000);
  for (std::size_t i = 0; i < sine.size(); ++i) {
    sine[i] = static_cast<float>(std::sin(2.0 * std::numbers::pi * 1000.0 * static_cast<double>(i) / 16000.0));
  }
  EXPECT_NEAR(rms_dbfs(sine), -3.0103, 0.01);
  const std::vector<float> half_square = {0.5f, -0.5f, 0.5f, -0.5f};
  EXPECT_NEAR(rms_dbfs(half_square), -6.0206, 1e-3);
  EXPECT_EQ(rms_dbfs(std::vector<float>(10, 0.0f)), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(rms_dbfs({}), -std::numeric_limits<double>::infinity());
}

}  // namespace
}  // namespace lv::audio
