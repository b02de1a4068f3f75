#include "audio/resampler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "audio/pcm.h"
#include "util/error.h"

namespace lv::audio {
namespace {

std::vector<float> sine(double frequency_hz, int rate_hz, double duration_s, double amplitude = 0.5, int channels = 1) {
  const auto frames = static_cast<std::size_t>(duration_s * rate_hz);
  std::vector<float> out(frames * static_cast<std::size_t>(channels));
  for (std::size_t i = 0; i < frames; ++i) {
    const double phase = 2.0 * std::numbers::pi * frequency_hz * static_cast<double>(i) / rate_hz;
    for (int ch = 0; ch < channels; ++ch) {
      // Each channel gets its own phase so a channel mix-up would show.
      out[i * static_cast<std::size_t>(channels) + static_cast<std::size_t>(ch)] =
          static_cast<float>(amplitude * std::sin(phase + ch * 0.7));
    }
  }
  return out;
}

// The middle of a signal, away from the filter's start-up and tail transients.
std::span<const float> middle(const std::vector<float>& samples) {
  const std::size_t trim = samples.size() / 5;
  return std::span<const float>(samples).subspan(trim, samples.size() - 2 * trim);
}

// Amplitude of the `frequency_hz` component, by correlating with a Hann-windowed complex exponential.
double tone_amplitude(std::span<const float> samples, double frequency_hz, int rate_hz) {
  std::complex<double> sum = 0.0;
  double window_sum = 0.0;
  const auto n = static_cast<double>(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const double window = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) / n);
    const double phase = 2.0 * std::numbers::pi * frequency_hz * static_cast<double>(i) / rate_hz;
    sum += window * static_cast<double>(samples[i]) * std::polar(1.0, -phase);
    window_sum += window;
  }
  return 2.0 * std::abs(sum) / window_sum;
}

// Frequency from the spacing of rising zero crossings (interpolated between samples).
double zero_crossing_frequency(std::span<const float> samples, int rate_hz) {
  double first = -1.0;
  double last = -1.0;
  int crossings = 0;
  for (std::size_t i = 1; i < samples.size(); ++i) {
    if (samples[i - 1] < 0.0f && samples[i] >= 0.0f) {
      const double fraction = samples[i - 1] / (samples[i - 1] - samples[i]);
      const double at = static_cast<double>(i - 1) + fraction;
      if (first < 0.0) {
        first = at;
      }
      last = at;
      ++crossings;
    }
  }
  if (crossings < 2) {
    return 0.0;
  }
  return (crossings - 1) * rate_hz / (last - first);
}

double db(double ratio) { return 20.0 * std::log10(ratio); }

TEST(ResamplerTest, SineKeepsFrequencyAndLevelThroughDownAndUp) {
  const std::vector<float> original = sine(1000.0, 48000, 1.0);
  const AudioBuffer input{original, 48000, 1};
  const AudioBuffer down = resample(input, 16000);
  ASSERT_EQ(down.sample_rate_hz, 16000);
  const AudioBuffer up = resample(down, 48000);

  EXPECT_NEAR(zero_crossing_frequency(middle(down.samples), 16000), 1000.0, 0.5);
  EXPECT_NEAR(zero_crossing_frequency(middle(up.samples), 48000), 1000.0, 0.5);
  EXPECT_NEAR(rms_dbfs(middle(down.samples)), rms_dbfs(middle(original)), 0.5);
  EXPECT_NEAR(rms_dbfs(middle(up.samples)), rms_dbfs(middle(original)), 0.5);
}

TEST(ResamplerTest, ToneAboveTargetNyquistDoesNotFoldBack) {
  for (const double frequency_hz : {8500.0, 9000.0, 12000.0}) {
    SCOPED_TRACE(frequency_hz);
    const AudioBuffer input{sine(frequency_hz, 48000, 1.0), 48000, 1};
    const AudioBuffer out = resample(input, 16000);
    const double alias_hz = 16000.0 - frequency_hz;
    const double input_amplitude = tone_amplitude(middle(input.samples), frequency_hz, 48000);
    EXPECT_LT(db(tone_amplitude(middle(out.samples), alias_hz, 16000) / input_amplitude), -50.0);
    EXPECT_LT(rms_dbfs(middle(out.samples)) - rms_dbfs(middle(input.samples)), -50.0);
  }
}

TEST(ResamplerTest, InBandToneNearNyquistSurvives) {
  const AudioBuffer input{sine(7500.0, 48000, 1.0), 48000, 1};
  const AudioBuffer out = resample(input, 16000);
  const double gain_db =
      db(tone_amplitude(middle(out.samples), 7500.0, 16000) / tone_amplitude(middle(input.samples), 7500.0, 48000));
  EXPECT_GT(gain_db, -3.0);
}

TEST(ResamplerTest, AntiAliasingHoldsForMediumAndVeryHighQuality) {
  for (const ResampleQuality quality : {ResampleQuality::medium, ResampleQuality::very_high}) {
    const AudioBuffer input{sine(8500.0, 48000, 0.5), 48000, 1};
    const AudioBuffer out = resample(input, 16000, quality);
    EXPECT_LT(rms_dbfs(middle(out.samples)) - rms_dbfs(middle(input.samples)), -50.0);
  }
}

TEST(ResamplerTest, EveryRatePairCarriesASine) {
  const std::vector<int> rates = {8000, 16000, 22050, 24000, 44100, 48000};
  for (const int from_hz : rates) {
    for (const int to_hz : rates) {
      if (from_hz == to_hz) {
        continue;
      }
      SCOPED_TRACE(std::to_string(from_hz) + " -> " + std::to_string(to_hz));
      const AudioBuffer input{sine(1000.0, from_hz, 0.5), from_hz, 1};
      const AudioBuffer out = resample(input, to_hz);
      const double expected_frames = static_cast<double>(input.samples.size()) * to_hz / from_hz;
      EXPECT_NEAR(static_cast<double>(out.samples.size()), expected_frames, 1.0);
      EXPECT_NEAR(zero_crossing_frequency(middle(out.samples), to_hz), 1000.0, 0.5);
      EXPECT_NEAR(rms_dbfs(middle(out.samples)), rms_dbfs(middle(input.samples)), 0.5);

      // Back to the original rate: the waveform itself (not only its spectrum) must come back, in time.
      const AudioBuffer back = resample(out, from_hz);
      ASSERT_NEAR(static_cast<double>(back.samples.size()), static_cast<double>(input.samples.size()), 2.0);
      const std::size_t n = std::min(back.samples.size(), input.samples.size());
      std::vector<float> error(n);
      for (std::size_t i = 0; i < n; ++i) {
        error[i] = back.samples[i] - input.samples[i];
      }
      EXPECT_LT(rms_dbfs(middle(error)) - rms_dbfs(middle(input.samples)), -40.0);
    }
  }
}

// Feeds `input` in pieces whose sizes cycle through `chunk_sizes`.
std::vector<float> process_in_chunks(Resampler& resampler, const std::vector<float>& input,
                                     const std::vector<std::size_t>& chunk_sizes) {
  std::vector<float> out;
  std::size_t pos = 0;
  for (std::size_t k = 0; pos < input.size(); ++k) {
    const std::size_t size = std::min(chunk_sizes[k % chunk_sizes.size()], input.size() - pos);
    const std::vector<float> piece = resampler.process(std::span<const float>(input).subspan(pos, size));
    out.insert(out.end(), piece.begin(), piece.end());
    pos += size;
  }
  const std::vector<float> tail = resampler.flush();
  out.insert(out.end(), tail.begin(), tail.end());
  return out;
}

TEST(ResamplerTest, StreamingInOddChunksEqualsWholeBuffer) {
  const std::vector<std::size_t> chunk_sizes = {1, 7, 0, 97, 1013, 3, 480};
  for (const auto& [from_hz, to_hz] :
       std::vector<std::pair<int, int>>{{48000, 16000}, {16000, 48000}, {44100, 16000}}) {
    SCOPED_TRACE(std::to_string(from_hz) + " -> " + std::to_string(to_hz));
    const std::vector<float> input = sine(440.0, from_hz, 0.3);
    const AudioBuffer whole = resample(AudioBuffer{input, from_hz, 1}, to_hz);
    Resampler streaming(from_hz, to_hz);
    const std::vector<float> pieces = process_in_chunks(streaming, input, chunk_sizes);
    ASSERT_EQ(pieces.size(), whole.samples.size());
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      ASSERT_NEAR(pieces[i], whole.samples[i], 1e-6f) << "at sample " << i;
    }
  }
}

TEST(ResamplerTest, StereoChunksMaySplitFrames) {
  const std::vector<float> input = sine(300.0, 48000, 0.2, 0.5, 2);
  const AudioBuffer whole = resample(AudioBuffer{input, 48000, 2}, 16000);
  Resampler streaming(48000, 16000, 2);
  const std::vector<float> pieces = process_in_chunks(streaming, input, {3, 1, 6, 101});
  ASSERT_EQ(pieces.size(), whole.samples.size());
  ASSERT_EQ(pieces.size() % 2, 0U);
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    ASSERT_NEAR(pieces[i], whole.samples[i], 1e-6f) << "at sample " << i;
  }
  // Each channel is resampled on its own: the left channel matches a mono run over the left input alone.
  std::vector<float> left_input;
  for (std::size_t i = 0; i < input.size(); i += 2) {
    left_input.push_back(input[i]);
  }
  const AudioBuffer left_alone = resample(AudioBuffer{left_input, 48000, 1}, 16000);
  ASSERT_EQ(left_alone.samples.size() * 2, pieces.size());
  for (std::size_t i = 0; i < left_alone.samples.size(); ++i) {
    ASSERT_NEAR(pieces[2 * i], left_alone.samples[i], 1e-5f) << "at frame " << i;
  }
}

TEST(ResamplerTest, FlushResetsForTheNextStream) {
  const std::vector<float> input = sine(1000.0, 48000, 0.1);
  Resampler resampler(48000, 16000);
  const std::vector<float> first = process_in_chunks(resampler, input, {480});
  const std::vector<float> second = process_in_chunks(resampler, input, {480});
  EXPECT_EQ(first, second);
}

TEST(ResamplerTest, MatchingRatesPassThrough) {
  const std::vector<float> input = sine(1000.0, 16000, 0.05);
  Resampler resampler(16000, 16000);
  EXPECT_EQ(process_in_chunks(resampler, input, {13}), input);
  const AudioBuffer copy = resample(AudioBuffer{input, 16000, 1}, 16000);
  EXPECT_EQ(copy.samples, input);
}

TEST(ResamplerTest, MovedResamplerKeepsItsState) {
  const std::vector<float> input = sine(1000.0, 48000, 0.1);
  Resampler original(48000, 16000);
  std::vector<float> out = original.process(std::span<const float>(input).first(1000));
  Resampler moved = std::move(original);
  const std::vector<float> rest = moved.process(std::span<const float>(input).subspan(1000));
  out.insert(out.end(), rest.begin(), rest.end());
  const std::vector<float> tail = moved.flush();
  out.insert(out.end(), tail.begin(), tail.end());
  EXPECT_EQ(out, resample(AudioBuffer{input, 48000, 1}, 16000).samples);
}

TEST(ResamplerTest, RejectsInvalidRatesAndChannels) {
  const auto message_of = [](auto&& make) -> std::string {
    try {
      make();
    } catch (const Error& error) {
      EXPECT_FALSE(error.fix().empty());
      return error.what();
    }
    return "no error";
  };
  EXPECT_NE(message_of([] { Resampler(0, 16000); }).find("input sample rate 0 Hz"), std::string::npos);
  EXPECT_NE(message_of([] { Resampler(48000, -5); }).find("output sample rate -5 Hz"), std::string::npos);
  EXPECT_NE(message_of([] { Resampler(48000, 16000, 0); }).find("0 channels"), std::string::npos);
  EXPECT_NE(message_of([] {
              resample(AudioBuffer{{0.0f}, 100000000, 1}, 16000);
            }).find("100000000 Hz"),
            std::string::npos);
}

TEST(ResamplerTest, ToMonoDownmixesAndResamples) {
  const AudioBuffer stereo{sine(1000.0, 44100, 0.3, 0.5, 2), 44100, 2};
  const AudioBuffer mono = to_mono(stereo, 16000);
  EXPECT_EQ(mono.channels, 1);
  EXPECT_EQ(mono.sample_rate_hz, 16000);
  EXPECT_NEAR(static_cast<double>(mono.samples.size()), 0.3 * 16000, 1.0);
  EXPECT_NEAR(zero_crossing_frequency(middle(mono.samples), 16000), 1000.0, 0.5);
}

}  // namespace
}  // namespace lv::audio
