#include "vad/vad_engine.h"

#include <algorithm>

#include "audio/pcm.h"
#include "audio/resampler.h"

namespace lv::vad {

std::vector<VadSegment> segments_from_events(std::span<const VadEvent> events, double end_of_audio_s) {
  std::vector<VadSegment> segments;
  bool open = false;
  for (const auto& event : events) {
    if (event.type == VadEventType::speech_start) {
      segments.push_back(VadSegment{event.time_s, end_of_audio_s, event.probability});
      open = true;
    } else if (open) {
      segments.back().end_s = event.time_s;
      open = false;
    }
  }
  return segments;
}

std::vector<VadSegment> detect_segments(const VadEngine& engine, const audio::AudioBuffer& audio,
                                        const std::stop_token& stop, VadTimings* timings) {
  audio::AudioBuffer mono = audio::downmix_to_mono(audio);
  if (mono.sample_rate_hz != kVadSampleRateHz) {
    mono = audio::resample(mono, kVadSampleRateHz);
  }
  auto stream = engine.open_stream();
  std::vector<VadEvent> events;
  // Pieces of one frame: each push scores at most one frame, so a stop request is seen within a frame's work.
  const std::size_t piece = engine.capabilities().frame_samples;
  const std::span<const float> samples(mono.samples);
  for (std::size_t offset = 0; offset < samples.size(); offset += piece) {
    if (stop.stop_requested()) {
      throw Cancelled();
    }
    const auto part = samples.subspan(offset, std::min(piece, samples.size() - offset));
    auto produced = stream->push(part);
    events.insert(events.end(), produced.begin(), produced.end());
  }
  auto tail = stream->flush();
  events.insert(events.end(), tail.begin(), tail.end());
  if (timings != nullptr) {
    *timings = stream->timings();
  }
  return segments_from_events(events, stream->time_s());
}

}  // namespace lv::vad
