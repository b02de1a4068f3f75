#include "llm/text_stream.h"
#include "util/utf8.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace lv::llm {
namespace {

using util::is_valid_utf8;

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
