#include "app/transcribe_command.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "audio/wav.h"
#include "stt/pocketsphinx_stt.h"
#include "stt/speech_fixtures.h"
#include "stt/wer.h"
#include "support/test_paths.h"
#include "util/error.h"

namespace lv::app {
namespace {

constexpr const char* kSentence = "what time is it in new york";

TEST(TranscribeCommand, PrintsTextAndJson) {
  test::TempDir dir;
  const auto wav = dir / "speech.wav";
  audio::write_wav(wav,
                   test::concat(test::concat(test::silence(0.3), test::flite_speech(kSentence)), test::silence(0.3)));
  const stt::PocketsphinxStt engine;

  TranscribeFlags flags;
  flags.file = wav.string();
  std::ostringstream text;
  EXPECT_EQ(run_transcribe(engine, flags, text), 0);
  EXPECT_LE(stt::word_error_rate(kSentence, text.str()), 0.2) << text.str();

  flags.json = true;
  std::ostringstream json_out;
  EXPECT_EQ(run_transcribe(engine, flags, json_out), 0);
  const auto result = nlohmann::json::parse(json_out.str());
  EXPECT_EQ(result.at("engine"), "pocketsphinx");
  EXPECT_LE(stt::word_error_rate(kSentence, result.at("text").get<std::string>()), 0.2);
  EXPECT_FALSE(result.at("segments").empty());
  EXPECT_GT(result.at("timings").at("audio_s").get<double>(), 1.0);
  EXPECT_GT(result.at("timings").at("real_time_factor").get<double>(), 0.0);
}

TEST(TranscribeCommand, MissingFileIsAClearError) {
  const stt::PocketsphinxStt engine;
  TranscribeFlags flags;
  flags.file = "/nonexistent/recording.wav";
  std::ostringstream out;
  EXPECT_THROW(run_transcribe(engine, flags, out), Error);
}

}  // namespace
}  // namespace lv::app
