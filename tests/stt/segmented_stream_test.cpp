#include "stt/segmented_stream.h"

#include <gtest/gtest.h>

#include "stt/pocketsphinx_stt.h"
#include "stt/speech_fixtures.h"
#include "stt/wer.h"
#include "util/error.h"
#include "vad/energy_vad.h"

namespace lv::stt {
namespace {

class SegmentedStreamTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { stt_ = new SttEnginePtr(std::make_shared<PocketsphinxStt>()); }
  static void TearDownTestSuite() {
    delete stt_;
    stt_ = nullptr;
  }

  // Feeds audio in 20 ms pieces, as a microphone would, and collects every event.
  static std::vector<SttEvent> stream(SttStream& session, const audio::AudioBuffer& audio) {
    std::vector<SttEvent> events;
    const std::span<const float> samples(audio.samples);
    for (std::size_t offset = 0; offset < samples.size(); offset += 320) {
      auto produced = session.push(samples.subspan(offset, std::min<std::size_t>(320, samples.size() - offset)));
      events.insert(events.end(), produced.begin(), produced.end());
    }
    auto tail = session.finish();
    events.insert(events.end(), tail.begin(), tail.end());
    return events;
  }

  static SttEnginePtr* stt_;
};
SttEnginePtr* SegmentedStreamTest::stt_ = nullptr;

TEST_F(SegmentedStreamTest, EachUtteranceBecomesOneFinalResult) {
  const auto first = test::flite_speech("please turn on the kitchen lights");
  const auto second = test::flite_speech("remind me to buy milk and bread", "rms");
  const auto audio =
      test::concat(test::concat(test::concat(test::concat(test::silence(0.6), first), test::silence(1.5)), second),
                   test::silence(0.8));
  auto session = open_stt_stream(*stt_, std::make_shared<vad::EnergyVad>());
  const auto events = stream(*session, audio);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].type, SttEventType::final);
  EXPECT_EQ(events[1].type, SttEventType::final);
  EXPECT_LE(word_error_rate("please turn on the kitchen lights", events[0].transcript.text), 0.2)
      << events[0].transcript.text;
  EXPECT_LE(word_error_rate("remind me to buy milk and bread", events[1].transcript.text), 0.2)
      << events[1].transcript.text;
  // Utterance bounds are stream times around the speech.
  const double first_truth_s = 0.6 + test::signal_bounds(first).start_s;
  const double second_truth_s = 0.6 + first.duration_s() + 1.5 + test::signal_bounds(second).start_s;
  EXPECT_NEAR(events[0].start_s, first_truth_s - 0.05, 0.1);
  EXPECT_LT(events[0].end_s, events[1].start_s);
  EXPECT_NEAR(events[1].start_s, second_truth_s - 0.05, 0.1);
  ASSERT_FALSE(events[1].transcript.segments.empty());
  EXPECT_GE(events[1].transcript.segments.front().start_s, events[1].start_s);
}

TEST_F(SegmentedStreamTest, PartialResultsPrecedeTheFinal) {
  const auto speech = test::flite_speech("remind me to buy milk and bread tomorrow morning");
  const auto audio = test::concat(test::concat(test::silence(0.5), speech), test::silence(0.8));
  SegmentedStreamOptions options;
  options.partial_interval_ms = 1000;
  SegmentedSttStream session(*stt_, std::make_shared<vad::EnergyVad>(), options);
  const auto events = stream(session, audio);
  ASSERT_GE(events.size(), 2U);
  EXPECT_EQ(events.back().type, SttEventType::final);
  std::size_t partials = 0;
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    EXPECT_EQ(events[i].type, SttEventType::partial);
    EXPECT_DOUBLE_EQ(events[i].start_s, events.back().start_s);  // the same utterance, growing
    if (i > 0) {
      EXPECT_GT(events[i].end_s, events[i - 1].end_s);
    }
    ++partials;
  }
  EXPECT_GE(partials, 2U);
  EXPECT_LE(word_error_rate("remind me to buy milk and bread tomorrow morning", events.back().transcript.text), 0.25);
}

TEST_F(SegmentedStreamTest, SilenceGivesNoEventsAndLongSpeechIsSplit) {
  auto quiet = SegmentedSttStream(*stt_, std::make_shared<vad::EnergyVad>());
  EXPECT_TRUE(stream(quiet, test::silence(2.0)).empty());

  auto speech = test::flite_speech("tell me a story about a dog and a cat that lived in a small house");
  SegmentedStreamOptions options;
  options.max_utterance_ms = 1500;
  SegmentedSttStream session(*stt_, std::make_shared<vad::EnergyVad>(), options);
  const auto events = stream(session, test::concat(test::silence(0.5), speech));
  ASSERT_GE(events.size(), 2U);
  for (const auto& event : events) {
    EXPECT_EQ(event.type, SttEventType::final);
    EXPECT_LE(event.end_s - event.start_s, 1.5 + 0.05);
  }
}

TEST_F(SegmentedStreamTest, StopTokenCancelsTheDecode) {
  const auto audio =
      test::concat(test::concat(test::silence(0.5), test::flite_speech("open the door")), test::silence(1.0));
  SegmentedSttStream session(*stt_, std::make_shared<vad::EnergyVad>());
  std::stop_source stop;
  stop.request_stop();
  EXPECT_THROW(
      {
        session.push(audio.samples, stop.get_token());
        session.finish(stop.get_token());
      },
      Cancelled);
}

TEST(SegmentedStream, NeedsBothEngines) {
  EXPECT_THROW(SegmentedSttStream(nullptr, std::make_shared<vad::EnergyVad>()), Error);
}

}  // namespace
}  // namespace lv::stt
