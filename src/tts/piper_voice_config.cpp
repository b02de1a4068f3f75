#include "tts/piper_voice_config.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "util/error.h"
#include "util/utf8.h"

namespace lv::tts {

namespace {

using nlohmann::json;

std::string fix_hint() {
  return "use the .onnx.json file published with the Piper voice (same name as the model plus .json)";
}

const json& require(const json& parent, const char* key, std::string_view source, const char* path) {
  const auto it = parent.find(key);
  if (it == parent.end()) {
    throw Error("Piper voice config " + std::string(source) + " has no '" + path + "'", fix_hint());
  }
  return *it;
}

const std::vector<std::int64_t>& required_symbol(const PiperVoiceConfig& config, const char* symbol) {
  const auto it = config.phoneme_id_map.find(symbol);
  if (it == config.phoneme_id_map.end() || it->second.empty()) {
    throw Error(std::string("Piper voice config has no id for the symbol '") + symbol + "'", fix_hint());
  }
  return it->second;
}

}  // namespace

PiperVoiceConfig parse_piper_voice_config(std::string_view json_text, std::string_view source) {
  json root;
  try {
    root = json::parse(json_text);
  } catch (const json::exception& e) {
    throw Error("Piper voice config " + std::string(source) + " is not valid JSON: " + e.what(), fix_hint());
  }
  if (!root.is_object()) {
    throw Error("Piper voice config " + std::string(source) + " is not a JSON object", fix_hint());
  }
  PiperVoiceConfig config;
  try {
    config.sample_rate_hz =
        require(require(root, "audio", source, "audio"), "sample_rate", source, "audio.sample_rate").get<int>();
    if (config.sample_rate_hz < 4000 || config.sample_rate_hz > 192000) {
      throw Error("Piper voice config " + std::string(source) + " has an implausible audio.sample_rate " +
                      std::to_string(config.sample_rate_hz),
                  fix_hint());
    }
    config.phoneme_type = root.value("phoneme_type", std::string("espeak"));
    if (config.phoneme_type == "espeak") {
      config.espeak_voice =
          require(require(root, "espeak", source, "espeak"), "voice", source, "espeak.voice").get<std::string>();
    }
    for (const auto& [symbol, ids] : require(root, "phoneme_id_map", source, "phoneme_id_map").items()) {
      config.phoneme_id_map[symbol] = ids.get<std::vector<std::int64_t>>();
    }
    if (const auto inference = root.find("inference"); inference != root.end() && inference->is_object()) {
      config.noise_scale = inference->value("noise_scale", config.noise_scale);
      config.length_scale = inference->value("length_scale", config.length_scale);
      config.noise_w = inference->value("noise_w", config.noise_w);
    }
    config.num_speakers = root.value("num_speakers", 1);
    if (const auto speakers = root.find("speaker_id_map"); speakers != root.end() && speakers->is_object()) {
      for (const auto& [name, id] : speakers->items()) {
        config.speaker_id_map[name] = id.get<int>();
      }
    }
  } catch (const json::exception& e) {
    throw Error("Piper voice config " + std::string(source) + " has a field of the wrong type: " + e.what(),
                fix_hint());
  }
  for (const char* symbol : {"^", "_", "$"}) {
    required_symbol(config, symbol);
  }
  if (config.num_speakers < 1) {
    throw Error("Piper voice config " + std::string(source) + " has num_speakers < 1", fix_hint());
  }
  return config;
}

PiperVoiceConfig read_piper_voice_config(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw Error("cannot read Piper voice config " + path.string(),
                "put the voice's .onnx.json file next to the .onnx model (download both from the Piper "
                "voices page)");
  }
  std::ostringstream text;
  text << file.rdbuf();
  return parse_piper_voice_config(text.str(), path.string());
}

std::vector<std::int64_t> phonemes_to_ids(const PiperVoiceConfig& config, std::string_view phonemes,
                                          std::vector<std::string>* missing) {
  const auto& bos = required_symbol(config, "^");
  const auto& pad = required_symbol(config, "_");
  const auto& eos = required_symbol(config, "$");
  std::vector<std::int64_t> ids(bos.begin(), bos.end());
  ids.insert(ids.end(), pad.begin(), pad.end());
  std::size_t i = 0;
  while (i < phonemes.size()) {
    const std::size_t length =
        std::min(util::utf8_sequence_length(static_cast<unsigned char>(phonemes[i])), phonemes.size() - i);
    const std::string symbol(phonemes.substr(i, length));
    i += length;
    const auto it = config.phoneme_id_map.find(symbol);
    if (it == config.phoneme_id_map.end()) {
      if (missing != nullptr) {
        missing->push_back(symbol);
      }
      continue;
    }
    ids.insert(ids.end(), it->second.begin(), it->second.end());
    ids.insert(ids.end(), pad.begin(), pad.end());
  }
  ids.insert(ids.end(), eos.begin(), eos.end());
  return ids;
}

}  // namespace lv::tts
