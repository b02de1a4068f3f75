#include "audio/resampler.h"

#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "audio/pcm.h"
#include "util/error.h"

namespace lv::audio {
namespace {

// Rates outside this range are certainly a mistake (and would make soxr allocate absurd filters).
constexpr int kMinRateHz = 1000;
constexpr int kMaxRateHz = 768000;
constexpr int kMaxChannels = 64;

struct SoxrDeleter {
  void operator()(soxr* handle) const { soxr_delete(handle); }
};
using SoxrHandle = std::unique_ptr<soxr, SoxrDeleter>;

unsigned long soxr_recipe(ResampleQuality quality) {
  switch (quality) {
    case ResampleQuality::quick:
      return SOXR_QQ;
    case ResampleQuality::medium:
      return SOXR_MQ;
    case ResampleQuality::high:
      return SOXR_HQ;
    case ResampleQuality::very_high:
      return SOXR_VHQ;
  }
  return SOXR_HQ;
}

void check_rate(int rate_hz, const char* which) {
  if (rate_hz < kMinRateHz || rate_hz > kMaxRateHz) {
    throw Error(std::string("unsupported ") + which + " sample rate " + std::to_string(rate_hz) + " Hz",
                "use a rate between " + std::to_string(kMinRateHz) + " and " + std::to_string(kMaxRateHz) + " Hz");
  }
}

}  // namespace

struct Resampler::State {
  SoxrHandle handle;           // null when the rates match and samples pass straight through
  std::vector<float> partial;  // samples of an incomplete interleaved frame, kept for the next call
  double ratio = 1.0;
};

Resampler::Resampler(int input_rate_hz, int output_rate_hz, int channels, ResampleQuality quality)
    : state_(std::make_unique<State>()),
      input_rate_hz_(input_rate_hz),
      output_rate_hz_(output_rate_hz),
      channels_(channels) {
  check_rate(input_rate_hz, "input");
  check_rate(output_rate_hz, "output");
  if (channels < 1 || channels > kMaxChannels) {
    throw Error("cannot resample audio with " + std::to_string(channels) + " channels",
                "use between 1 and " + std::to_string(kMaxChannels) + " channels");
  }
  state_->ratio = static_cast<double>(output_rate_hz) / input_rate_hz;
  if (input_rate_hz == output_rate_hz) {
    return;
  }
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality_spec = soxr_quality_spec(soxr_recipe(quality), 0);
  const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);  // one thread: callers run many streams
  soxr_error_t error = nullptr;
  state_->handle.reset(soxr_create(input_rate_hz, output_rate_hz, static_cast<unsigned>(channels), &error, &io,
                                   &quality_spec, &runtime));
  if (error != nullptr || !state_->handle) {
    throw Error(std::string("cannot create resampler ") + std::to_string(input_rate_hz) + " -> " +
                    std::to_string(output_rate_hz) + " Hz: " + soxr_strerror(error),
                "check the sample rates; libsoxr rejected them");
  }
}

Resampler::~Resampler() = default;
Resampler::Resampler(Resampler&&) noexcept = default;
Resampler& Resampler::operator=(Resampler&&) noexcept = default;

namespace {

// Runs soxr until it has taken all of `input` frames (or, with input == nullptr, drained its tail),
// appending output to `out`.
void run_soxr(soxr* handle, const float* input, std::size_t input_frames, std::size_t channels, double ratio,
              std::vector<float>& out) {
  const std::size_t chunk_frames = static_cast<std::size_t>(std::ceil(static_cast<double>(input_frames) * ratio)) + 256;
  for (;;) {
    const std::size_t old_size = out.size();
    out.resize(old_size + chunk_frames * channels);
    std::size_t used_frames = 0;
    std::size_t made_frames = 0;
    const soxr_error_t error =
        soxr_process(handle, input, input_frames, &used_frames, out.data() + old_size, chunk_frames, &made_frames);
    out.resize(old_size + made_frames * channels);
    if (error != nullptr) {
      throw Error(std::string("resampling failed: ") + soxr_strerror(error), "this is a bug; please report it");
    }
    if (input != nullptr) {
      input += used_frames * channels;
      input_frames -= used_frames;
    }
    // Done once the input is consumed and soxr had less output than room for it.
    if (input_frames == 0 && made_frames < chunk_frames) {
      return;
    }
  }
}

}  // namespace

std::vector<float> Resampler::process(std::span<const float> input) {
  if (!state_) {
    throw std::logic_error("Resampler used after it was moved from");
  }
  const auto channels = static_cast<std::size_t>(channels_);
  if (!state_->handle) {
    std::vector<float> out(state_->partial.begin(), state_->partial.end());
    out.insert(out.end(), input.begin(), input.end());
    const std::size_t whole = out.size() - out.size() % channels;
    state_->partial.assign(out.begin() + static_cast<std::ptrdiff_t>(whole), out.end());
    out.resize(whole);
    return out;
  }
  std::vector<float> out;
  out.reserve(static_cast<std::size_t>(static_cast<double>(input.size()) * state_->ratio) + 64 * channels);
  // Finish an interleaved frame that the previous call split.
  if (!state_->partial.empty()) {
    const std::size_t take = std::min(channels - state_->partial.size(), input.size());
    state_->partial.insert(state_->partial.end(), input.begin(), input.begin() + static_cast<std::ptrdiff_t>(take));
    input = input.subspan(take);
    if (state_->partial.size() < channels) {
      return out;
    }
    run_soxr(state_->handle.get(), state_->partial.data(), 1, channels, state_->ratio, out);
    state_->partial.clear();
  }
  const std::size_t frames = input.size() / channels;
  if (frames > 0) {
    run_soxr(state_->handle.get(), input.data(), frames, channels, state_->ratio, out);
  }
  state_->partial.assign(input.begin() + static_cast<std::ptrdiff_t>(frames * channels), input.end());
  return out;
}

std::vector<float> Resampler::flush() {
  if (!state_) {
    throw std::logic_error("Resampler used after it was moved from");
  }
  state_->partial.clear();
  std::vector<float> out;
  if (!state_->handle) {
    return out;
  }
  run_soxr(state_->handle.get(), nullptr, 0, static_cast<std::size_t>(channels_), state_->ratio, out);
  const soxr_error_t error = soxr_clear(state_->handle.get());
  if (error != nullptr) {
    throw Error(std::string("cannot reset resampler: ") + soxr_strerror(error), "create a new resampler");
  }
  return out;
}

AudioBuffer resample(const AudioBuffer& audio, int output_rate_hz, ResampleQuality quality) {
  if (audio.sample_rate_hz == output_rate_hz) {
    return audio;
  }
  Resampler resampler(audio.sample_rate_hz, output_rate_hz, audio.channels, quality);
  AudioBuffer out;
  out.sample_rate_hz = output_rate_hz;
  out.channels = audio.channels;
  out.samples = resampler.process(audio.samples);
  const std::vector<float> tail = resampler.flush();
  out.samples.insert(out.samples.end(), tail.begin(), tail.end());
  return out;
}

AudioBuffer to_mono(const AudioBuffer& audio, int output_rate_hz, ResampleQuality quality) {
  return resample(downmix_to_mono(audio), output_rate_hz, quality);
}

}  // namespace lv::audio
