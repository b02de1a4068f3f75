#include "tts/piper_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <thread>

#include "audio/pcm.h"
#include "support/test_paths.h"
#include "tts/espeak_runtime.h"
#include "util/error.h"

namespace lv::tts {
namespace {

using ::testing::HasSubstr;

// Generates the tiny Piper-shaped voices once for the whole program.
class PiperVoices {
 public:
  PiperVoices() {
    for (const auto& [name, speakers] : {std::pair{"single", 1}, std::pair{"multi", 3}}) {
      const std::string command = std::string(LV_SYSTEM_PYTHON3) + " " + LV_PIPER_VOICE_SCRIPT + " " +
                                  dir_.path().string() + " " + name + " --speakers " + std::to_string(speakers);
      if (std::system(command.c_str()) != 0) {
        throw std::runtime_error("could not generate the test voice: " + command);
      }
    }
  }
  std::filesystem::path model(const std::string& name) const { return dir_ / (name + ".onnx"); }
  const test::TempDir& dir() const { return dir_; }

 private:
  test::TempDir dir_;
};

const PiperVoices& voices() {
  static PiperVoices instance;
  return instance;
}

PiperEngine& single() {
  static PiperEngine engine(PiperSettings{voices().model("single"), "", std::nullopt, std::nullopt, std::nullopt, 1});
  return engine;
}

std::string load_error(const PiperSettings& settings) {
  try {
    PiperEngine engine(settings);
  } catch (const Error& e) {
    return std::string(e.what()) + " | " + e.fix();
  }
  return "no error";
}

// Declared first so that, run alone or as part of the whole program, it creates the process's first session.
TEST(PiperEngine, FirstSessionPrintsNoSchemaNoiseAndStderrStillWorks) {
  voices();  // the generator script may print; it is not under test
  ::testing::internal::CaptureStderr();
  PiperEngine engine(PiperSettings{voices().model("single"), "", std::nullopt, std::nullopt, std::nullopt, 1});
  std::fputs("still here\n", stderr);
  const std::string captured = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(captured.find("Schema error"), std::string::npos) << captured.substr(0, 300);
  EXPECT_NE(captured.find("still here"), std::string::npos);
}

TEST(PiperEngine, PhonemeIdsFollowTheConfigMap) {
  const auto& config = single().config();
  const auto ids = single().phoneme_ids("Hello world.");
  ASSERT_GT(ids.size(), 10U);
  EXPECT_EQ(ids.front(), config.phoneme_id_map.at("^").front());
  EXPECT_EQ(ids.back(), config.phoneme_id_map.at("$").front());
  const auto pad = config.phoneme_id_map.at("_").front();
  for (std::size_t i = 1; i + 1 < ids.size(); i += 2) {
    EXPECT_EQ(ids[i], pad) << "position " << i;  // every phoneme is followed by the pad
  }
  // The phonemes between the pads are espeak-ng's IPA for the sentence, in order, ending with '.'.
  std::string phonemes;
  {
    EspeakLock espeak;
    espeak.set_voice("en-us");
    phonemes = espeak.text_to_phonemes("Hello world.").front();
  }
  EXPECT_EQ(ids[ids.size() - 3], config.phoneme_id_map.at(".").front());
  EXPECT_EQ(ids[2], config.phoneme_id_map.at(std::string(1, phonemes.front())).front());
}

TEST(PiperEngine, OutputLengthFollowsPhonemeCountAndLengthScale) {
  const std::string text = "Hello world.";
  const auto ids = single().phoneme_ids(text);
  const auto out = synthesize_to_buffer(single(), text);
  EXPECT_EQ(out.audio.sample_rate_hz, 22050);
  // The test model makes 256 samples per input id at length scale 1.
  EXPECT_EQ(out.audio.samples.size(), ids.size() * 256);
  EXPECT_NEAR(audio::rms_dbfs(out.audio.samples), -23.0, 1.0);  // a 0.1 amplitude sine
  SynthesisOptions fast;
  fast.speed = 2.0;
  EXPECT_EQ(synthesize_to_buffer(single(), text, fast).audio.samples.size(), ids.size() * 128);
}

TEST(PiperEngine, OneChunkPerSentence) {
  int chunks = 0;
  const auto result = single().synthesize("First sentence. Second one! Third?", {}, [&](std::span<const float>) {
    ++chunks;
    return true;
  });
  EXPECT_EQ(chunks, 3);
  EXPECT_FALSE(result.cancelled);
  EXPECT_GE(result.time_to_first_audio_ms, 0.0);
}

TEST(PiperEngine, UrlOverridesAndSpeakersReachTheModel) {
  PiperSettings settings{voices().model("multi"), "speaker_2", 2.0F, std::nullopt, std::nullopt, 1};
  PiperEngine multi(settings);
  EXPECT_EQ(multi.capabilities().voices.front(), "speaker_2");
  EXPECT_EQ(multi.capabilities().voices.size(), 3U);
  const std::string text = "Hi there.";
  const auto ids = multi.phoneme_ids(text);
  const auto default_out = synthesize_to_buffer(multi, text);
  EXPECT_EQ(default_out.audio.samples.size(), ids.size() * 512);        // length_scale 2 from the URL
  EXPECT_NEAR(audio::rms_dbfs(default_out.audio.samples), -13.5, 1.0);  // speaker 2: amplitude 0.3
  SynthesisOptions first_speaker;
  first_speaker.voice = "speaker_0";
  EXPECT_NEAR(audio::rms_dbfs(synthesize_to_buffer(multi, text, first_speaker).audio.samples), -23.0, 1.0);
  SynthesisOptions unknown;
  unknown.voice = "speaker_9";
  EXPECT_THROW(multi.synthesize(text, unknown, {}), Error);
  EXPECT_THAT(load_error({voices().model("multi"), "7", {}, {}, {}, 1}), HasSubstr("no speaker '7'"));
}

TEST(PiperEngine, MissingOrCorruptFilesGiveClearErrors) {
  test::TempDir dir;
  EXPECT_THAT(load_error({dir / "absent.onnx", "", {}, {}, {}, 1}), HasSubstr("does not exist"));
  // Model without config.
  std::filesystem::copy_file(voices().model("single"), dir / "noconfig.onnx");
  EXPECT_THAT(load_error({dir / "noconfig.onnx", "", {}, {}, {}, 1}), HasSubstr("noconfig.onnx.json"));
  // Corrupt model with a valid config.
  std::ofstream(dir / "corrupt.onnx") << "this is not an onnx model";
  std::filesystem::copy_file(voices().model("single").string() + ".json", dir / "corrupt.onnx.json");
  const std::string corrupt = load_error({dir / "corrupt.onnx", "", {}, {}, {}, 1});
  EXPECT_THAT(corrupt, HasSubstr("cannot load Piper model"));
  EXPECT_THAT(corrupt, HasSubstr("download the voice again"));
  // Corrupt config.
  std::filesystem::copy_file(voices().model("single"), dir / "badjson.onnx");
  std::ofstream(dir / "badjson.onnx.json") << "{\"audio\": ";
  EXPECT_THAT(load_error({dir / "badjson.onnx", "", {}, {}, {}, 1}), HasSubstr("not valid JSON"));
}

TEST(PiperEngine, StopTokenCancelsBetweenSentences) {
  std::string text;
  for (int i = 0; i < 50; ++i) {
    text += "Sentence number " + std::to_string(i) + ". ";
  }
  std::stop_source stop;
  int chunks = 0;
  const auto result = single().synthesize(
      text, {},
      [&](std::span<const float>) {
        if (++chunks == 2) {
          stop.request_stop();
        }
        return true;
      },
      stop.get_token());
  EXPECT_TRUE(result.cancelled);
  EXPECT_EQ(chunks, 2);
}

}  // namespace
}  // namespace lv::tts
