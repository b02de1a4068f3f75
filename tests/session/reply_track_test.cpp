#include "session/reply_track.h"

#include <gtest/gtest.h>

#include <vector>

namespace lv::session {
namespace {

// A track at 1 kHz with 10 ms frames (10 samples): easy arithmetic.
ReplyTrack two_sentences() {
  ReplyTrack track(1000, 10);
  track.begin_sentence("One two three four.");
  track.add_audio(std::vector<float>(40, 0.5F));  // 4 frames
  track.end_sentence();
  track.begin_sentence("Five six.");
  track.add_audio(std::vector<float>(15, 0.5F));  // 1 frame + a half one, padded at the end
  track.end_sentence();
  return track;
}

TEST(ReplyTrack, FramesGetSequenceNumbersTimestampsAndSentenceStarts) {
  ReplyTrack track = two_sentences();
  std::vector<ReplyTrack::Outgoing> sent;
  while (track.has_unsent()) {
    sent.push_back(track.take_next());
  }
  ASSERT_EQ(sent.size(), 6U);
  for (std::size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(sent[i].seq, i);
    EXPECT_DOUBLE_EQ(sent[i].timestamp_ms, 10.0 * static_cast<double>(i));
    EXPECT_EQ(sent[i].samples->size(), 10U);
    EXPECT_EQ(sent[i].starts_sentence, i == 0 || i == 4);
  }
  EXPECT_EQ(*sent[4].sentence_text, "Five six.");
  EXPECT_EQ(sent[5].samples->back(), 0) << "the last partial frame is padded with silence";
}

TEST(ReplyTrack, WhatWasHeardIsCutInProportionToTheFramesPlayed) {
  ReplyTrack track = two_sentences();
  while (track.has_unsent()) {
    track.take_next();
  }
  EXPECT_EQ(track.text_heard(std::nullopt), "");
  EXPECT_EQ(track.text_heard(0), "One");
  EXPECT_EQ(track.text_heard(1), "One two");
  EXPECT_EQ(track.text_heard(3), "One two three four.");
  EXPECT_EQ(track.text_heard(4), "One two three four. Five");
  EXPECT_EQ(track.text_heard(5), "One two three four. Five six.");
  EXPECT_EQ(track.text_heard(99), "One two three four. Five six.");
}

TEST(ReplyTrack, RewindRepeatsTheCutSentenceWithNewSequenceNumbers) {
  ReplyTrack track = two_sentences();
  for (int i = 0; i < 5; ++i) {
    track.take_next();
  }
  track.rewind_to_sentence_of(4);  // heard up to the first frame of "Five six."
  const auto again = track.take_next();
  EXPECT_TRUE(again.starts_sentence);
  EXPECT_EQ(*again.sentence_text, "Five six.");
  EXPECT_EQ(again.seq, 5U);
  EXPECT_DOUBLE_EQ(again.timestamp_ms, 50.0);
  EXPECT_EQ(track.text_heard(5), "One two three four. Five");
}

TEST(ReplyTrack, LeadingWordsRounds) {
  EXPECT_EQ(leading_words("a b c d", 0.5), "a b");
  EXPECT_EQ(leading_words("a b c d", 0.0), "");
  EXPECT_EQ(leading_words("a  b\tc", 1.0), "a b c");
  EXPECT_EQ(leading_words("", 0.7), "");
}

}  // namespace
}  // namespace lv::session
