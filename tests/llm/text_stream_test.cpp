#include "llm/text_stream.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace lv::llm {
namespace {

const std::string kReplacement = "\xEF\xBF\xBD";

TEST(Utf8Sanitizer, HoldsBackCharactersSplitAtEveryByteBoundary) {
  const std::string text = "a\xC3\xA9 \xE4\xB8\x96\xE7\x95\x8C \xF0\x9F\x98\x80!";  // "aé 世界 😀!"
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    Utf8Sanitizer sanitizer;
    const std::string first = sanitizer.push(text.substr(0, cut));
    const std::string second = sanitizer.push(text.substr(cut));
    EXPECT_TRUE(is_valid_utf8(first)) << "cut at " << cut;
    EXPECT_EQ(first + second + sanitizer.finish(), text) << "cut at " << cut;
  }
}

TEST(Utf8Sanitizer, ByteByByteGivesWholeCharactersOnly) {
  const std::string text = "\xF0\x9F\x98\x80\xE4\xB8\x96";
  Utf8Sanitizer sanitizer;
  std::vector<std::string> pieces;
  for (char c : text) {
    pieces.push_back(sanitizer.push(std::string(1, c)));
  }
  EXPECT_EQ(pieces, (std::vector<std::string>{"", "", "", "\xF0\x9F\x98\x80", "", "", "\xE4\xB8\x96"}));
}

TEST(Utf8Sanitizer, ReplacesInvalidBytes) {
  Utf8Sanitizer sanitizer;
  EXPECT_EQ(sanitizer.push("a\xFF"
                           "b"),
            "a" + kReplacement + "b");
  EXPECT_EQ(sanitizer.push("\xC0\xAF"), kReplacement + kReplacement);                     // overlong '/'
  EXPECT_EQ(sanitizer.push("\xED\xA0\x80"), kReplacement + kReplacement + kReplacement);  // surrogate
  EXPECT_EQ(sanitizer.push("\xE4\xB8"
                           "x"),
            kReplacement + "x");  // truncated, then ASCII
  EXPECT_EQ(sanitizer.push("\xE4\xB8"), "");
  EXPECT_EQ(sanitizer.finish(), kReplacement);  // unfinished at the end
  EXPECT_EQ(sanitizer.finish(), "");
}

TEST(Utf8Sanitizer, RandomBytesInRandomPiecesAlwaysGiveValidUtf8) {
  std::mt19937 rng(7);
  for (int round = 0; round < 500; ++round) {
    Utf8Sanitizer sanitizer;
    std::string all;
    for (int piece = 0; piece < 10; ++piece) {
      std::string bytes(rng() % 6, '\0');
      for (auto& b : bytes) {
        b = static_cast<char>(rng() % 256);
      }
      const std::string out = sanitizer.push(bytes);
      ASSERT_TRUE(is_valid_utf8(out));
      all += out;
    }
    all += sanitizer.finish();
    ASSERT_TRUE(is_valid_utf8(all));
  }
}

TEST(IsValidUtf8, AcceptsAndRejects) {
  EXPECT_TRUE(is_valid_utf8("plain \xC3\xA9"));
  EXPECT_FALSE(is_valid_utf8("\xC3"));
  EXPECT_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));
}

TEST(StopSequenceFilter, NeverShowsAPartialMatch) {
  StopSequenceFilter filter({"<END>"});
  EXPECT_EQ(filter.push("Hel"), "Hel");
  EXPECT_EQ(filter.push("lo<EN"), "lo");
  EXPECT_FALSE(filter.stopped());
  EXPECT_EQ(filter.push("X"), "<ENX");  // turned out not to be a stop sequence
  EXPECT_EQ(filter.push("<"), "");
  EXPECT_EQ(filter.push("END> more"), "");
  EXPECT_TRUE(filter.stopped());
  EXPECT_EQ(filter.push("ignored"), "");
  EXPECT_EQ(filter.finish(), "");
}

TEST(StopSequenceFilter, CharacterByCharacterCutsAtTheEarliestStop) {
  const std::string text = "one two\n\nUser: three";
  StopSequenceFilter filter({"User:", "\n\n"});
  std::string shown;
  for (char c : text) {
    shown += filter.push(std::string(1, c));
  }
  shown += filter.finish();
  EXPECT_EQ(shown, "one two");
  EXPECT_TRUE(filter.stopped());
}

TEST(StopSequenceFilter, FinishReleasesAnUnfinishedTail) {
  StopSequenceFilter filter({"STOP"});
  EXPECT_EQ(filter.push("go ST"), "go ");
  EXPECT_EQ(filter.finish(), "ST");
  EXPECT_FALSE(filter.stopped());
}

TEST(StopSequenceFilter, NoStopsPassesEverythingThrough) {
  StopSequenceFilter filter({});
  EXPECT_EQ(filter.push("abc"), "abc");
}

TEST(DeltaText, StopSequenceSplitInsideMultiByteCharacters) {
  DeltaText text({"\xE4\xB8\x96"});  // stop at "世"
  std::string shown;
  for (char c : std::string("ok\xC3\xA9\xE4\xB8\x96rest")) {
    const std::string out = text.push(std::string(1, c));
    EXPECT_TRUE(is_valid_utf8(out));
    shown += out;
  }
  shown += text.finish();
  EXPECT_EQ(shown, "ok\xC3\xA9");
  EXPECT_TRUE(text.stopped());
}

}  // namespace
}  // namespace lv::llm
