// Feeds a recording to an UtteranceDecoder as a microphone would (20 ms pieces) and polls partials like the
// voice session does (every 600 ms of audio).
#pragma once

#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include "audio/audio_buffer.h"
#include "stt/utterance_decoder.h"

namespace lv::test {

struct Streamed {
  std::vector<std::string> partials;  // in order, one per poll
  stt::Transcript final;
};

inline Streamed stream_utterance(stt::UtteranceDecoder& decoder, const audio::AudioBuffer& audio,
                                 std::size_t partial_every_samples = 9600) {
  constexpr std::size_t kChunkSamples = 320;  // 20 ms at 16 kHz
  Streamed out;
  const std::span<const float> samples(audio.samples);
  std::size_t since_partial = 0;
  for (std::size_t offset = 0; offset < samples.size(); offset += kChunkSamples) {
    const auto chunk = samples.subspan(offset, std::min(kChunkSamples, samples.size() - offset));
    decoder.feed(chunk);
    since_partial += chunk.size();
    if (partial_every_samples > 0 && since_partial >= partial_every_samples) {
      since_partial = 0;
      out.partials.push_back(decoder.partial());
    }
  }
  out.final = decoder.finish();
  return out;
}

}  // namespace lv::test
