// Recordings with reference transcripts for the STT parity benchmark: Debian's pocketsphinx test data and
// speech synthesized at run time with flite and espeak-ng voices.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "audio/audio_buffer.h"

namespace lv::bench {

struct Clip {
  std::string set;           // "testdata", "flite", "espeak-ng"
  std::string name;          // "flite:slt/03"
  std::string reference;     // what was said, lower case
  audio::AudioBuffer audio;  // as recorded or synthesized (its own rate; mono)
};

// The held-out sentences spoken by the synthetic voices.
const std::vector<std::string>& parity_sentences();

// Recordings from pocketsphinx-testdata that have transcripts (empty when the package is missing).
std::vector<Clip> testdata_clips();

// `sentences` spoken by each flite voice (slt, kal, awb, rms), synthesized into `work_dir`.
std::vector<Clip> flite_clips(const std::vector<std::string>& sentences, const std::filesystem::path& work_dir);

// The same sentences spoken by espeak-ng voices (empty when espeak-ng is not installed).
std::vector<Clip> espeak_clips(const std::vector<std::string>& sentences, const std::filesystem::path& work_dir);

}  // namespace lv::bench
