// Piper voice configuration (the `.onnx.json` next to each Piper model) and Piper's phoneme-id rules.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace lv::tts {

struct PiperVoiceConfig {
  int sample_rate_hz = 22050;          // audio.sample_rate
  std::string espeak_voice = "en-us";  // espeak.voice
  std::string phoneme_type = "espeak";
  std::map<std::string, std::vector<std::int64_t>> phoneme_id_map;  // one UTF-8 code point -> ids
  float noise_scale = 0.667F;                                       // inference.noise_scale
  float length_scale = 1.0F;                                        // inference.length_scale
  float noise_w = 0.8F;                                             // inference.noise_w
  int num_speakers = 1;
  std::map<std::string, int> speaker_id_map;
};

// Parses a voice config; `source` names it in errors. Throws lv::Error naming the missing or malformed field.
PiperVoiceConfig parse_piper_voice_config(std::string_view json_text, std::string_view source);
PiperVoiceConfig read_piper_voice_config(const std::filesystem::path& path);

// Piper's id sequence for one utterance's phonemes: BOS '^', then each phoneme's ids followed by the pad
// '_', then EOS '$'. Phonemes missing from the map are skipped and, when `missing` is given, appended to it.
std::vector<std::int64_t> phonemes_to_ids(const PiperVoiceConfig& config, std::string_view phonemes,
                                          std::vector<std::string>* missing = nullptr);

}  // namespace lv::tts
