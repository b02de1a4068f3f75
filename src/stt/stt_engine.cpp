#include "stt/stt_engine.h"

#include <cmath>
#include <utility>

#include "audio/pcm.h"
#include "audio/resampler.h"
#include "util/error.h"
#include "util/text.h"

namespace lv::stt {

std::vector<float> to_engine_audio(const audio::AudioBuffer& audio) {
  if (audio.channels <= 0 || audio.sample_rate_hz <= 0) {
    throw Error("audio has an invalid format (" + std::to_string(audio.channels) + " channels at " +
                    std::to_string(audio.sample_rate_hz) + " Hz)",
                "send mono or stereo audio at a normal sample rate, e.g. 16000 Hz");
  }
  if (audio.frame_count() == 0) {
    throw Error("audio is empty", "send a recording that contains speech");
  }
  audio::AudioBuffer mono = audio::downmix_to_mono(audio);
  if (mono.sample_rate_hz != kSttSampleRateHz) {
    mono = audio::resample(mono, kSttSampleRateHz);
  }
  for (auto& sample : mono.samples) {
    if (!std::isfinite(sample)) {
      throw Error("audio contains non-finite samples (NaN or infinity)", "check the recording or its encoder");
    }
  }
  return std::move(mono.samples);
}

std::string trim(std::string text) { return util::trim(std::move(text)); }

std::string join_segments(const std::vector<Segment>& segments) {
  std::string text;
  for (const auto& segment : segments) {
    const auto piece = trim(segment.text);
    if (piece.empty()) {
      continue;
    }
    if (!text.empty()) {
      text += ' ';
    }
    text += piece;
  }
  return text;
}

}  // namespace lv::stt
