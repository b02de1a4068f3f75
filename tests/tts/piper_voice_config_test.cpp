#include "tts/piper_voice_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "util/error.h"

namespace lv::tts {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Shaped like a published Piper voice config (fields trimmed to the ones that matter plus a few others).
constexpr const char* kConfig = R"({
  "dataset": "lessac",
  "audio": {"sample_rate": 22050, "quality": "medium"},
  "espeak": {"voice": "en-us"},
  "language": {"code": "en_US"},
  "inference": {"noise_scale": 0.5, "length_scale": 1.2, "noise_w": 0.7},
  "phoneme_type": "espeak",
  "phoneme_map": {},
  "phoneme_id_map": {"_": [0], "^": [1], "$": [2], " ": [3], ",": [8], ".": [10], "h": [20],
                     "\u0259": [59], "l": [24], "o": [27], "\u028a": [100], "\u02c8": [120]},
  "num_symbols": 256,
  "num_speakers": 2,
  "speaker_id_map": {"alice": 0, "bob": 1},
  "piper_version": "1.0.0"
})";

std::string error_of(std::string_view json) {
  try {
    parse_piper_voice_config(json, "voice.onnx.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(PiperVoiceConfig, ReadsEveryFieldTheEngineUses) {
  const auto config = parse_piper_voice_config(kConfig, "test");
  EXPECT_EQ(config.sample_rate_hz, 22050);
  EXPECT_EQ(config.espeak_voice, "en-us");
  EXPECT_FLOAT_EQ(config.noise_scale, 0.5F);
  EXPECT_FLOAT_EQ(config.length_scale, 1.2F);
  EXPECT_FLOAT_EQ(config.noise_w, 0.7F);
  EXPECT_EQ(config.num_speakers, 2);
  EXPECT_EQ(config.speaker_id_map.at("bob"), 1);
  EXPECT_THAT(config.phoneme_id_map.at("\u028a"), ElementsAre(100));
}

TEST(PiperVoiceConfig, IdsFollowPiperConventions) {
  const auto config = parse_piper_voice_config(kConfig, "test");
  std::vector<std::string> missing;
  // "hˈəloʊ," : BOS, pad, then each phoneme followed by pad, then EOS; 'x' is not in the map.
  const auto ids = phonemes_to_ids(config, "h\u02c8\u0259lox\u028a,", &missing);
  EXPECT_THAT(ids, ElementsAre(1, 0, 20, 0, 120, 0, 59, 0, 24, 0, 27, 0, 100, 0, 8, 0, 2));
  EXPECT_THAT(missing, ElementsAre("x"));
  EXPECT_THAT(phonemes_to_ids(config, ""), ElementsAre(1, 0, 2));
}

TEST(PiperVoiceConfig, BadConfigsGiveClearErrors) {
  EXPECT_THAT(error_of("{not json"), HasSubstr("not valid JSON"));
  EXPECT_THAT(error_of("[]"), HasSubstr("not a JSON object"));
  EXPECT_THAT(error_of(R"({"espeak": {"voice": "en-us"}, "phoneme_id_map": {}})"), HasSubstr("audio"));
  EXPECT_THAT(error_of(R"({"audio": {"sample_rate": 22050}, "espeak": {"voice": "en-us"}})"),
              HasSubstr("phoneme_id_map"));
  EXPECT_THAT(error_of(R"({"audio": {"sample_rate": "fast"}, "espeak": {"voice": "en-us"}, "phoneme_id_map": {}})"),
              HasSubstr("wrong type"));
  EXPECT_THAT(error_of(R"({"audio": {"sample_rate": 22050}, "espeak": {"voice": "en-us"},
                           "phoneme_id_map": {"_": [0], "^": [1]}})"),
              HasSubstr("'$'"));
  EXPECT_THAT(error_of(R"({"audio": {"sample_rate": 5}, "espeak": {"voice": "en-us"}, "phoneme_id_map": {}})"),
              HasSubstr("sample_rate"));
  EXPECT_THROW(read_piper_voice_config("/nonexistent/voice.onnx.json"), Error);
}

}  // namespace
}  // namespace lv::tts
