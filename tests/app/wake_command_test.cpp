#include "app/wake_command.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "audio/wav.h"
#include "stt/speech_fixtures.h"
#include "support/test_paths.h"
#include "wake/openwakeword_engine.h"
#include "wake/wake_fixtures.h"

namespace lv::app {
namespace {

TEST(WakeCommand, PrintsTheDetectionsOfARecording) {
  const auto model = test::hey_jarvis_model_path();
  if (!model) {
    GTEST_SKIP() << "the openWakeWord models are not installed; run `" << test::kWakePullCommand << "`";
  }
  const wake::OpenWakeWordEngine engine(*model);
  const test::TempDir dir;
  // Twice the phrase, 3 s apart, in a voice the model detects; then silence.
  const auto phrase = test::flite_speech("hey jarvis", "kal16");
  auto audio = test::concat(test::silence(1.0), phrase);
  audio = test::concat(test::concat(audio, test::silence(3.0)), phrase);
  audio = test::concat(audio, test::silence(1.0));
  audio::write_wav(dir / "two.wav", audio);
  audio::write_wav(dir / "quiet.wav", test::silence(3.0));

  WakeFlags flags;
  flags.file = (dir / "two.wav").string();
  std::ostringstream text;
  EXPECT_EQ(run_wake(engine, flags, text), 0);
  std::istringstream lines(text.str());
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    EXPECT_NE(line.find(" hey_jarvis "), std::string::npos) << line;
    ++count;
  }
  EXPECT_EQ(count, 2) << text.str();

  flags.json = true;
  std::ostringstream json;
  run_wake(engine, flags, json);
  const auto parsed = nlohmann::json::parse(json.str());
  ASSERT_EQ(parsed.at("detections").size(), 2U);
  EXPECT_LT(parsed["detections"][0]["timestamp_ms"].get<int>(), parsed["detections"][1]["timestamp_ms"].get<int>());
  EXPECT_GT(parsed["max_scores"]["hey_jarvis"].get<double>(), 0.5);

  flags.file = (dir / "quiet.wav").string();
  std::ostringstream quiet;
  run_wake(engine, flags, quiet);
  EXPECT_TRUE(nlohmann::json::parse(quiet.str()).at("detections").empty());
}

}  // namespace
}  // namespace lv::app
