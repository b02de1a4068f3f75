#include "wyoming/wyoming_audio.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "util/error.h"

namespace lv::wyoming {
namespace {

using nlohmann::json;

std::vector<std::int16_t> sine(int rate_hz, double seconds, double freq_hz = 440.0, double amplitude = 0.5) {
  std::vector<std::int16_t> out(static_cast<std::size_t>(rate_hz * seconds));
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<std::int16_t>(std::lround(
        amplitude * 32767.0 * std::sin(2.0 * std::numbers::pi * freq_hz * static_cast<double>(i) / rate_hz)));
  }
  return out;
}

double rms(const std::vector<std::int16_t>& samples) {
  double sum = 0.0;
  for (const auto s : samples) {
    sum += static_cast<double>(s) * s;
  }
  return samples.empty() ? 0.0 : std::sqrt(sum / static_cast<double>(samples.size()));
}

TEST(WyomingAudioTest, ReadsTheFormatOfAnAudioEvent) {
  const AudioFormat f = audio_format(json{{"rate", 22050}, {"width", 2}, {"channels", 2}, {"timestamp", nullptr}});
  EXPECT_EQ(f, (AudioFormat{22050, 2, 2}));
}

TEST(WyomingAudioTest, AMissingOrBadFormatFieldIsNamed) {
  try {
    (void)audio_format(json{{"rate", 16000}, {"channels", 1}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("\"width\""), std::string::npos) << e.what();
  }
  try {
    (void)audio_format(json{{"rate", "fast"}, {"width", 2}, {"channels", 1}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("\"rate\""), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)audio_format(json{{"rate", 16000}, {"width", 5}, {"channels", 1}}), Error);
  EXPECT_THROW((void)audio_format(json{{"rate", 16000}, {"width", 2}, {"channels", 0}}), Error);
  EXPECT_THROW((void)audio_format(json::array()), Error);
}

TEST(WyomingAudioTest, AudioEventsCarryTheFormatAndLittleEndianSamples) {
  const std::vector<std::int16_t> samples = {1, -2, 0x1234};
  const Event chunk = audio_chunk(AudioFormat{16000, 2, 1}, samples);
  EXPECT_EQ(chunk.type, "audio-chunk");
  EXPECT_EQ(audio_format(chunk.data), (AudioFormat{16000, 2, 1}));
  EXPECT_EQ(chunk.payload, (std::vector<std::uint8_t>{0x01, 0x00, 0xFE, 0xFF, 0x34, 0x12}));
  EXPECT_EQ(audio_format(audio_start(AudioFormat{8000, 2, 1}).data).rate_hz, 8000);
  EXPECT_EQ(audio_start({}).type, "audio-start");
  EXPECT_EQ(audio_stop().type, "audio-stop");
}

TEST(WyomingAudioTest, MonoPcm16AtTheTargetRatePassesThroughUnchanged) {
  const auto samples = sine(16000, 0.1);
  const Event chunk = audio_chunk(AudioFormat{16000, 2, 1}, samples);
  EXPECT_EQ(to_mono_pcm16(chunk, AudioFormat{16000, 2, 1}, 16000), samples);
}

TEST(WyomingAudioTest, StereoIsAveragedToMono) {
  // Left and right hold opposite values except the last frame.
  const std::vector<std::int16_t> stereo = {1000, -1000, 2000, -2000, 3000, 1000};
  const Event chunk = audio_chunk(AudioFormat{16000, 2, 2}, stereo);
  EXPECT_EQ(to_mono_pcm16(chunk, AudioFormat{16000, 2, 2}, 16000), (std::vector<std::int16_t>{0, 0, 2000}));
}

TEST(WyomingAudioTest, OtherWidthsAreScaledToPcm16) {
  Event chunk{"audio-chunk", json::object(), {0x40, 0xC0}};  // 8-bit signed: +0.5, -0.5
  EXPECT_EQ(to_mono_pcm16(chunk, AudioFormat{16000, 1, 1}, 16000), (std::vector<std::int16_t>{16384, -16384}));
  chunk.payload = {0x00, 0x00, 0x40, 0x00, 0x00, 0xC0};  // 24-bit: +0.5, -0.5
  EXPECT_EQ(to_mono_pcm16(chunk, AudioFormat{16000, 3, 1}, 16000), (std::vector<std::int16_t>{16384, -16384}));
  chunk.payload = {0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0xC0};  // 32-bit: +0.5, -0.5
  EXPECT_EQ(to_mono_pcm16(chunk, AudioFormat{16000, 4, 1}, 16000), (std::vector<std::int16_t>{16384, -16384}));
}

TEST(WyomingAudioTest, OtherRatesAreResampledKeepingTheDurationAndLevel) {
  const auto samples = sine(22050, 0.5);
  const auto out = to_mono_pcm16(audio_chunk(AudioFormat{22050, 2, 1}, samples), AudioFormat{22050, 2, 1}, 16000);
  EXPECT_NEAR(static_cast<double>(out.size()), 8000.0, 80.0);
  EXPECT_NEAR(rms(out), rms(samples), rms(samples) * 0.1);
}

TEST(WyomingAudioTest, ATrailingPartialFrameIsDropped) {
  Event chunk{"audio-chunk", json::object(), {0x01, 0x00, 0x02}};
  EXPECT_EQ(to_mono_pcm16(chunk, AudioFormat{16000, 2, 1}, 16000), (std::vector<std::int16_t>{1}));
}

TEST(WyomingAudioTest, TheConverterJoinsFramesSplitAcrossChunks) {
  AudioConverter converter(AudioFormat{16000, 2, 2}, 16000);
  // One stereo frame (0x4000, 0x4000) split after its third byte.
  const std::vector<std::uint8_t> first = {0x00, 0x40, 0x00};
  const std::vector<std::uint8_t> second = {0x40};
  EXPECT_TRUE(converter.convert(first).empty());
  const auto out = converter.convert(second);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_FLOAT_EQ(out[0], 0.5F);
}

TEST(WyomingAudioTest, TheConverterResamplesAStreamLikeTheWholeSignal) {
  const auto samples = sine(48000, 1.0);
  const Event whole = audio_chunk(AudioFormat{48000, 2, 1}, samples);
  AudioConverter converter(AudioFormat{48000, 2, 1}, 16000);
  std::vector<float> streamed;
  const std::size_t piece = 1234;  // an odd size: chunks end mid-sample too
  for (std::size_t at = 0; at < whole.payload.size(); at += piece) {
    const std::size_t n = std::min(piece, whole.payload.size() - at);
    const auto out = converter.convert(std::span(whole.payload).subspan(at, n));
    streamed.insert(streamed.end(), out.begin(), out.end());
  }
  const auto tail = converter.flush();
  streamed.insert(streamed.end(), tail.begin(), tail.end());
  EXPECT_NEAR(static_cast<double>(streamed.size()), 16000.0, 16.0);
  double sum = 0.0;
  for (const float s : streamed) {
    sum += static_cast<double>(s) * s;
  }
  EXPECT_NEAR(std::sqrt(sum / static_cast<double>(streamed.size())), 0.5 / std::sqrt(2.0), 0.02);
}

TEST(WyomingAudioTest, AnUnusableFormatIsRefused) {
  EXPECT_THROW(AudioConverter(AudioFormat{16000, 7, 1}, 16000), Error);
  EXPECT_THROW((void)to_mono_pcm16(Event{}, AudioFormat{16000, 2, 0}, 16000), Error);
}

}  // namespace
}  // namespace lv::wyoming
