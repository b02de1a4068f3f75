#include "app/vad_command.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "audio/wav.h"
#include "stt/speech_fixtures.h"
#include "support/test_paths.h"
#include "vad/energy_vad.h"

namespace lv::app {
namespace {

TEST(VadCommand, PrintsOneLinePerSegmentAndJson) {
  test::TempDir dir;
  const auto wav = dir / "speech.wav";
  const auto speech = test::flite_speech("good morning");
  auto audio = test::concat(test::concat(test::concat(test::silence(1.0), speech), test::silence(1.5)), speech);
  audio = test::concat(audio, test::silence(1.0));
  audio::write_wav(wav, audio);
  const vad::EnergyVad engine;

  VadFlags flags;
  flags.file = wav.string();
  std::ostringstream text;
  EXPECT_EQ(run_vad(engine, flags, text), 0);
  std::istringstream lines(text.str());
  double start = 0.0;
  double end = 0.0;
  int count = 0;
  while (lines >> start >> end) {
    EXPECT_LT(start, end);
    ++count;
  }
  EXPECT_EQ(count, 2) << text.str();

  flags.json = true;
  std::ostringstream json_out;
  run_vad(engine, flags, json_out);
  const auto result = nlohmann::json::parse(json_out.str());
  EXPECT_EQ(result.at("segments").size(), 2U);
  EXPECT_NEAR(result.at("duration_s").get<double>(), audio.duration_s(), 0.01);
  EXPECT_GT(result.at("timings").at("frames").get<int>(), 0);
}

}  // namespace
}  // namespace lv::app
