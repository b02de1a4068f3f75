#include "wake/wake_engine.h"

#include <algorithm>

#include "audio/pcm.h"
#include "audio/resampler.h"
#include "wake/wake_detector.h"

namespace lv::wake {

std::unique_ptr<WakeDetector> WakeEngine::open_stream() const {
  return std::make_unique<WakeDetector>(open_scorer(), capabilities(), options());
}

WakeScan scan_audio(const WakeEngine& engine, const audio::AudioBuffer& audio) {
  audio::AudioBuffer mono = audio::downmix_to_mono(audio);
  if (mono.sample_rate_hz != kWakeSampleRateHz) {
    mono = audio::resample(mono, kWakeSampleRateHz);
  }
  const auto pcm = audio::float_to_pcm16(mono.samples);
  auto detector = engine.open_stream();
  WakeScan scan;
  scan.detections = detector->push(pcm);
  scan.max_scores = detector->max_scores();
  scan.frames = detector->frames();
  return scan;
}

}  // namespace lv::wake
