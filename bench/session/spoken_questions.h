// The spoken questions the session benchmarks ask: six short questions synthesized with flite, and
// recordings that ask them one after another with room for each reply.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "audio/audio_buffer.h"

namespace lv::bench {

const std::vector<std::string>& spoken_questions();

// 0.4 s of silence, then for each of `count` questions starting at `first` (wrapping around the six): the
// question spoken by `voice`, followed by `gap_s` of silence (the agent answers in it).
audio::AudioBuffer question_recording(std::size_t first, std::size_t count, double gap_s,
                                      const std::string& voice = "slt");

}  // namespace lv::bench
