#include "app/speak_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "audio/wav.h"
#include "support/test_paths.h"
#include "tts/flite_engine.h"
#include "util/error.h"

namespace lv::app {
namespace {

using ::testing::HasSubstr;

tts::FliteEngine& flite() {
  static tts::FliteEngine engine("slt");
  return engine;
}

TEST(SpeakCommand, WritesAWavFileAndASummary) {
  test::TempDir dir;
  SpeakFlags flags;
  flags.text = "Hello from **LocalVoice**, it is 3:30 pm.";
  flags.output = (dir / "out.wav").string();
  std::ostringstream out;
  std::ostringstream wav_stdout;
  run_speak(flite(), flags, out, wav_stdout);
  const auto audio = audio::read_wav(dir / "out.wav");
  EXPECT_EQ(audio.sample_rate_hz, 16000);
  EXPECT_GT(audio.duration_s(), 1.5);
  EXPECT_THAT(out.str(), HasSubstr("wrote " + flags.output));
  EXPECT_THAT(out.str(), HasSubstr("flite:slt"));
  EXPECT_TRUE(wav_stdout.str().empty());
}

TEST(SpeakCommand, WritesTheWavToStdoutAndJsonSummary) {
  SpeakFlags flags;
  flags.text = "Hi.";
  flags.output = "-";
  flags.json = true;
  flags.voice = "awb";
  std::ostringstream out;
  std::ostringstream wav_stdout;
  run_speak(flite(), flags, out, wav_stdout);
  const auto audio = audio::parse_wav(wav_stdout.str());
  EXPECT_GT(audio.duration_s(), 0.2);
  EXPECT_THAT(out.str(), HasSubstr("\"sample_rate_hz\":16000"));
}

TEST(SpeakCommand, BadInputGivesClearErrors) {
  std::ostringstream out;
  std::ostringstream wav_stdout;
  SpeakFlags flags;
  flags.output = "-";
  flags.text = "```\ncode only\n```";
  flags.raw = false;
  // Only a code block: "Code omitted." is still said, so this works.
  EXPECT_NO_THROW(run_speak(flite(), flags, out, wav_stdout));
  flags.text = "  ";
  EXPECT_THROW(run_speak(flite(), flags, out, wav_stdout), Error);
  flags.text = "Hello.";
  flags.voice = "nobody";
  EXPECT_THROW(run_speak(flite(), flags, out, wav_stdout), Error);
  flags.voice.clear();
  flags.output = "/nonexistent-dir/out.wav";
  EXPECT_THROW(run_speak(flite(), flags, out, wav_stdout), Error);
}

TEST(SpeakCommand, ParsesItsFlagsAndUsesTheGivenEngine) {
  test::TempDir dir;
  std::string created_url;
  CLI::App app;
  add_speak_command(app, {[] { return config::Config{}; },
                          [&](const std::string& url) -> tts::TtsEnginePtr {
                            created_url = url;
                            return std::shared_ptr<tts::TtsEngine>(&flite(), [](tts::TtsEngine*) {});
                          }});
  const std::string output = (dir / "x.wav").string();
  std::vector<std::string> args{"speak", "Testing one two three.", "-o", output, "--tts", "flite:slt", "--speed",
                                "1.5"};
  std::reverse(args.begin(), args.end());
  app.parse(args);
  EXPECT_EQ(created_url, "flite:slt");
  EXPECT_GT(audio::read_wav(output).duration_s(), 0.5);
  CLI::App bad;
  add_speak_command(bad, {[] { return config::Config{}; }, [](const std::string&) { return tts::TtsEnginePtr{}; }});
  std::vector<std::string> bad_args{"speak", "x", "-o", output, "--speed", "9"};
  std::reverse(bad_args.begin(), bad_args.end());
  EXPECT_THROW(bad.parse(bad_args), CLI::ValidationError);
}

}  // namespace
}  // namespace lv::app
