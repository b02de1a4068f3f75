#include "session/turn_detector.h"

#include <gtest/gtest.h>

#include "session/session_harness.h"
#include "vad/energy_vad.h"

namespace lv::session {
namespace {

using test::operator+;
using Type = TurnSignal::Type;

class TurnDetectorTest : public ::testing::Test {
 protected:
  TurnTakingOptions options;
  std::vector<TurnSignal> signals;

  void SetUp() override {
    options.min_speech_ms = 150;
    options.end_of_turn_silence_ms = 500;
    options.min_interruption_ms = 400;
  }

  // Feeds `audio` in 20 ms pieces and collects every signal.
  void run(TurnDetector& detector, const audio::AudioBuffer& audio) {
    const auto now = TurnDetector::Clock::now();
    for (std::size_t at = 0; at < audio.samples.size(); at += 320) {
      const std::size_t count = std::min<std::size_t>(320, audio.samples.size() - at);
      for (auto& signal : detector.push(std::span<const float>(audio.samples.data() + at, count), now)) {
        signals.push_back(std::move(signal));
      }
    }
  }

  std::vector<Type> types() const {
    std::vector<Type> out;
    for (const auto& signal : signals) {
      out.push_back(signal.type);
    }
    return out;
  }

  TurnDetector detector() const { return TurnDetector(vad::EnergyVad().open_stream(), options); }
};

TEST_F(TurnDetectorTest, SpeechThenSilenceIsOneTurnWithItsAudio) {
  auto turns = detector();
  run(turns, test::quiet(0.5) + test::tone(1.0, 200) + test::quiet(1.0));
  EXPECT_EQ(types(), (std::vector<Type>{Type::speech_began, Type::speech_long, Type::speech_paused, Type::turn_ended}));
  const TurnSignal& began = signals[0];
  EXPECT_NEAR(began.audio_ms, 500, 60);
  const TurnSignal& ended = signals.back();
  EXPECT_NEAR(ended.audio_ms, 1500, 80);  // the end of speech, not of the silence after it
  EXPECT_GE(ended.silence_ms, 500);
  // The turn's audio runs from 250 ms before the (padded) start of speech to the end of the turn.
  const double seconds = static_cast<double>(ended.audio.size()) / 16000.0;
  EXPECT_NEAR(seconds, 0.25 + 1.0 + ended.silence_ms / 1000.0, 0.1);
  EXPECT_FALSE(turns.in_turn());
}

TEST_F(TurnDetectorTest, APauseShorterThanTheEndOfTurnSilenceKeepsTheTurn) {
  auto turns = detector();
  run(turns, test::quiet(0.3) + test::tone(0.6, 200) + test::quiet(0.4) + test::tone(0.6, 200) + test::quiet(1.0));
  // Each stretch of speech is long enough to interrupt on its own.
  EXPECT_EQ(types(),
            (std::vector<Type>{Type::speech_began, Type::speech_long, Type::speech_paused, Type::speech_resumed,
                               Type::speech_long, Type::speech_paused, Type::turn_ended}));
  EXPECT_NEAR(signals.back().audio_ms, 1900, 80);
}

TEST_F(TurnDetectorTest, ABurstShorterThanMinSpeechIsNoise) {
  options.min_speech_ms = 600;
  auto turns = detector();
  run(turns, test::quiet(0.3) + test::tone(0.4, 200) + test::quiet(1.0));
  EXPECT_EQ(types(), (std::vector<Type>{Type::noise_ignored}));
}

TEST_F(TurnDetectorTest, LongSpeechIsReportedOnceItsVoicedPartIsLongEnough) {
  options.min_interruption_ms = 700;
  auto turns = detector();
  // 0.5 s of sound plus the VAD's hangover would pass 700 ms; only voiced audio counts.
  run(turns, test::quiet(0.3) + test::tone(0.5, 200) + test::quiet(1.0));
  for (const auto& signal : signals) {
    EXPECT_NE(signal.type, Type::speech_long);
  }
}

TEST_F(TurnDetectorTest, CommitEndsTheTurnAtOnce) {
  options.end_of_turn_silence_ms = 5000;
  auto turns = detector();
  run(turns, test::quiet(0.3) + test::tone(0.6, 200) + test::quiet(0.2));
  EXPECT_TRUE(turns.in_turn());
  const auto committed = turns.commit(TurnDetector::Clock::now());
  ASSERT_EQ(committed.size(), 1U);
  EXPECT_EQ(committed[0].type, Type::turn_ended);
  EXPECT_FALSE(committed[0].audio.empty());
  EXPECT_TRUE(turns.commit(TurnDetector::Clock::now()).empty()) << "nothing left to commit";
}

TEST_F(TurnDetectorTest, ADiscardedTurnIgnoresTheRestOfItsSpeech) {
  auto turns = detector();
  run(turns, test::quiet(0.3) + test::tone(0.5, 200));
  turns.discard_turn();
  signals.clear();
  run(turns, test::tone(0.5, 200) + test::quiet(1.0));
  EXPECT_TRUE(signals.empty());
  run(turns, test::tone(0.6, 200) + test::quiet(1.0));  // the next stretch of speech counts again
  EXPECT_EQ(signals.front().type, Type::speech_began);
}

TEST_F(TurnDetectorTest, InputThatStopsArrivingStillEndsAPausedTurn) {
  auto turns = detector();
  const auto start = TurnDetector::Clock::now();
  const auto audio = test::quiet(0.3) + test::tone(0.6, 200) + test::quiet(0.35);
  for (std::size_t at = 0; at < audio.samples.size(); at += 320) {
    turns.push(std::span<const float>(audio.samples.data() + at, 320), start);
  }
  EXPECT_TRUE(turns.in_turn());
  EXPECT_TRUE(turns.check_stalled_input(start + std::chrono::milliseconds(100)).empty());
  const auto ended = turns.check_stalled_input(start + std::chrono::milliseconds(2000));
  ASSERT_EQ(ended.size(), 1U);
  EXPECT_EQ(ended[0].type, Type::turn_ended);
}

}  // namespace
}  // namespace lv::session
