#include "vad/energy_vad.h"

#include <gtest/gtest.h>

#include "stt/speech_fixtures.h"

namespace lv::vad {
namespace {

TEST(EnergyVad, FindsNothingInSilence) {
  const EnergyVad vad;
  EXPECT_TRUE(detect_segments(vad, test::silence(3.0)).empty());
}

TEST(EnergyVad, FindsSpeechPaddedWithSilence) {
  const auto speech = test::flite_speech("please turn on the kitchen lights");
  const auto audio = test::concat(test::concat(test::silence(1.0), speech), test::silence(1.0));
  const auto truth = test::signal_bounds(audio);
  const EnergyVad vad;
  VadTimings timings;
  const auto segments = detect_segments(vad, audio, {}, &timings);
  ASSERT_EQ(segments.size(), 1U);
  EXPECT_NEAR(segments[0].start_s, truth.start_s, 0.15);
  EXPECT_NEAR(segments[0].end_s, truth.end_s, 0.2);
  EXPECT_GT(timings.frames, 0U);
}

TEST(EnergyVad, StreamingInSmallPiecesMatchesWholeBuffer) {
  const auto audio =
      test::concat(test::concat(test::silence(0.5), test::flite_speech("good morning")), test::silence(0.8));
  const EnergyVad vad;
  const auto whole = detect_segments(vad, audio);
  auto stream = vad.open_stream();
  std::vector<VadEvent> events;
  for (std::size_t offset = 0; offset < audio.samples.size(); offset += 160) {
    const auto n = std::min<std::size_t>(160, audio.samples.size() - offset);
    auto produced = stream->push(std::span<const float>(audio.samples).subspan(offset, n));
    events.insert(events.end(), produced.begin(), produced.end());
  }
  auto tail = stream->flush();
  events.insert(events.end(), tail.begin(), tail.end());
  const auto pieces = segments_from_events(events, stream->time_s());
  ASSERT_EQ(pieces.size(), whole.size());
  ASSERT_FALSE(whole.empty());
  EXPECT_DOUBLE_EQ(pieces[0].start_s, whole[0].start_s);
  EXPECT_DOUBLE_EQ(pieces[0].end_s, whole[0].end_s);
}

TEST(EnergyVad, StopTokenCancels) {
  const EnergyVad vad;
  std::stop_source stop;
  stop.request_stop();
  EXPECT_THROW(detect_segments(vad, test::silence(1.0), stop.get_token()), Cancelled);
}

}  // namespace
}  // namespace lv::vad
