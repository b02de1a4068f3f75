#include "wyoming/wyoming_audio.h"

#include <algorithm>
#include <string>
#include <utility>

#include "audio/audio_buffer.h"
#include "audio/pcm.h"
#include "audio/resampler.h"
#include "util/error.h"

namespace lv::wyoming {
namespace {

using nlohmann::json;

constexpr int kMaxRateHz = 768000;
constexpr int kMaxChannels = 64;

int format_field(const json& data, const char* name, int min, int max) {
  const auto found = data.find(name);
  const std::string fix =
      "audio events carry \"rate\" (Hz), \"width\" (bytes per sample: 1, 2, 3 or 4) and "
      "\"channels\"";
  if (found == data.end() || found->is_null()) {
    throw Error(std::string("Wyoming audio format has no \"") + name + "\"", fix);
  }
  if (!found->is_number_integer() || found->get<std::int64_t>() < min || found->get<std::int64_t>() > max) {
    throw Error(std::string("Wyoming audio format \"") + name + "\" is " + found->dump() + ", not " +
                    std::to_string(min) + ".." + std::to_string(max),
                fix);
  }
  return static_cast<int>(found->get<std::int64_t>());
}

void check_format(const AudioFormat& f) {
  if (f.rate_hz < 1 || f.rate_hz > kMaxRateHz || f.width_bytes < 1 || f.width_bytes > 4 || f.channels < 1 ||
      f.channels > kMaxChannels) {
    throw Error("unusable Wyoming audio format: rate " + std::to_string(f.rate_hz) + " Hz, width " +
                    std::to_string(f.width_bytes) + ", channels " + std::to_string(f.channels),
                "use width 1 to 4 bytes, 1 to 64 channels and a rate up to 768 kHz");
  }
}

json format_data(const AudioFormat& f) {
  return json{{"rate", f.rate_hz}, {"width", f.width_bytes}, {"channels", f.channels}};
}

// One signed little-endian sample of `width` bytes, scaled to [-1, 1).
float sample_at(const std::uint8_t* bytes, int width) {
  switch (width) {
    case 1:
      return static_cast<float>(static_cast<std::int8_t>(bytes[0])) / 128.0F;
    case 2: {
      const auto value = static_cast<std::int16_t>(static_cast<std::uint16_t>(bytes[0] | (bytes[1] << 8)));
      return static_cast<float>(value) / 32768.0F;
    }
    case 3: {
      // Sign-extends the 24-bit value through the top byte of a 32-bit word.
      const auto word = static_cast<std::uint32_t>(bytes[0] << 8) | static_cast<std::uint32_t>(bytes[1] << 16) |
                        (static_cast<std::uint32_t>(bytes[2]) << 24);
      return static_cast<float>(static_cast<double>(static_cast<std::int32_t>(word)) / 2147483648.0);
    }
    default: {
      const std::uint32_t word = static_cast<std::uint32_t>(bytes[0]) | (static_cast<std::uint32_t>(bytes[1]) << 8) |
                                 (static_cast<std::uint32_t>(bytes[2]) << 16) |
                                 (static_cast<std::uint32_t>(bytes[3]) << 24);
      return static_cast<float>(static_cast<double>(static_cast<std::int32_t>(word)) / 2147483648.0);
    }
  }
}

// Whole frames of `bytes` as mono floats (channels averaged); a trailing partial frame is ignored.
std::vector<float> decode_mono(std::span<const std::uint8_t> bytes, const AudioFormat& f) {
  const auto frame_bytes = static_cast<std::size_t>(f.width_bytes) * static_cast<std::size_t>(f.channels);
  const std::size_t frames = bytes.size() / frame_bytes;
  std::vector<float> out(frames);
  for (std::size_t i = 0; i < frames; ++i) {
    const std::uint8_t* frame = bytes.data() + i * frame_bytes;
    float sum = 0.0F;
    for (int c = 0; c < f.channels; ++c) {
      sum += sample_at(frame + static_cast<std::size_t>(c) * static_cast<std::size_t>(f.width_bytes), f.width_bytes);
    }
    out[i] = sum / static_cast<float>(f.channels);
  }
  return out;
}

}  // namespace

AudioFormat audio_format(const json& data) {
  if (!data.is_object()) {
    throw Error("Wyoming audio event has no data", "audio events carry \"rate\", \"width\" and \"channels\"");
  }
  AudioFormat f;
  f.rate_hz = format_field(data, "rate", 1, kMaxRateHz);
  f.width_bytes = format_field(data, "width", 1, 4);
  f.channels = format_field(data, "channels", 1, kMaxChannels);
  return f;
}

Event audio_start(AudioFormat f) { return Event{"audio-start", format_data(f), {}}; }

Event audio_chunk(AudioFormat f, std::span<const std::int16_t> mono_pcm16) {
  f.width_bytes = 2;
  Event event{"audio-chunk", format_data(f), {}};
  event.payload.resize(mono_pcm16.size() * 2);
  for (std::size_t i = 0; i < mono_pcm16.size(); ++i) {
    const auto value = static_cast<std::uint16_t>(mono_pcm16[i]);
    event.payload[2 * i] = static_cast<std::uint8_t>(value & 0xFFU);
    event.payload[2 * i + 1] = static_cast<std::uint8_t>(value >> 8U);
  }
  return event;
}

Event audio_stop() { return Event{"audio-stop", json::object(), {}}; }

std::vector<std::int16_t> to_mono_pcm16(const Event& chunk, AudioFormat f, int target_hz) {
  check_format(f);
  audio::AudioBuffer mono{decode_mono(chunk.payload, f), f.rate_hz, 1};
  if (mono.samples.empty()) {
    return {};
  }
  if (f.rate_hz != target_hz) {
    mono = audio::resample(mono, target_hz);
  }
  return audio::float_to_pcm16(mono.samples);
}

AudioConverter::AudioConverter(AudioFormat format, int target_hz) : format_(format), target_hz_(target_hz) {
  check_format(format_);
  if (format_.rate_hz != target_hz_) {
    resampler_ = std::make_unique<audio::Resampler>(format_.rate_hz, target_hz_, 1);
  }
}

AudioConverter::~AudioConverter() = default;
AudioConverter::AudioConverter(AudioConverter&&) noexcept = default;
AudioConverter& AudioConverter::operator=(AudioConverter&&) noexcept = default;

std::vector<float> AudioConverter::convert(std::span<const std::uint8_t> payload) {
  const auto frame_bytes = static_cast<std::size_t>(format_.width_bytes) * static_cast<std::size_t>(format_.channels);
  std::vector<float> mono;
  if (!partial_frame_.empty()) {
    // Completes the frame the previous payload ended in.
    const std::size_t missing = std::min(frame_bytes - partial_frame_.size(), payload.size());
    partial_frame_.insert(partial_frame_.end(), payload.begin(),
                          payload.begin() + static_cast<std::ptrdiff_t>(missing));
    payload = payload.subspan(missing);
    if (partial_frame_.size() == frame_bytes) {
      mono = decode_mono(partial_frame_, format_);
      partial_frame_.clear();
    }
  }
  const std::size_t whole = payload.size() - payload.size() % frame_bytes;
  const std::vector<float> rest = decode_mono(payload.first(whole), format_);
  mono.insert(mono.end(), rest.begin(), rest.end());
  const auto tail = payload.subspan(whole);
  partial_frame_.insert(partial_frame_.end(), tail.begin(), tail.end());
  if (!resampler_) {
    return mono;
  }
  return resampler_->process(mono);
}

std::vector<float> AudioConverter::flush() {
  partial_frame_.clear();
  return resampler_ ? resampler_->flush() : std::vector<float>{};
}

}  // namespace lv::wyoming
