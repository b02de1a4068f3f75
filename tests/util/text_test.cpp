#include "util/text.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace lv::util {
namespace {

using namespace std::string_view_literals;

TEST(Text, TrimRemovesAsciiWhitespaceFromBothEnds) {
  EXPECT_EQ(trim(" \t\r\n\f\vhello world \t\r\n"sv), "hello world"sv);
  EXPECT_EQ(trim("inner  space"sv), "inner  space"sv);
  EXPECT_EQ(trim(" \t\n "sv), ""sv);
  EXPECT_EQ(trim(""sv), ""sv);
}

TEST(Text, TrimOfAViewPointsIntoTheSameCharacters) {
  const std::string text = "  word  ";
  const std::string_view trimmed = trim(text);
  EXPECT_EQ(trimmed, "word"sv);
  EXPECT_EQ(trimmed.data(), text.data() + 2);
}

TEST(Text, TrimLeavesNonAsciiBytesAlone) {
  // U+00A0 (no-break space) is not ASCII whitespace; its bytes must survive untouched.
  EXPECT_EQ(trim("\xC2\xA0x\xC2\xA0"sv), "\xC2\xA0x\xC2\xA0"sv);
}

TEST(Text, TrimOfAnOwnedStringReturnsTheTrimmedString) {
  std::string text = "\n  spoken words \r\n";
  EXPECT_EQ(trim(std::move(text)), "spoken words");
  EXPECT_EQ(trim(std::string("   ")), "");
  EXPECT_EQ(trim(std::string("x")), "x");
}

TEST(Text, TrimOfACStringWorks) { EXPECT_EQ(trim(" c "), "c"sv); }

TEST(Text, OneSidedTrims) {
  EXPECT_EQ(trim_start("  a  "sv), "a  "sv);
  EXPECT_EQ(trim_end("  a  "sv), "  a"sv);
}

TEST(Text, BlankMeansOnlyWhitespace) {
  EXPECT_TRUE(is_blank(""sv));
  EXPECT_TRUE(is_blank(" \t\r\n"sv));
  EXPECT_FALSE(is_blank(" . "sv));
}

TEST(Text, AsciiLowerChangesOnlyAsciiLetters) { EXPECT_EQ(ascii_lower("Content-Type: ÄB"), "content-type: Äb"); }

TEST(Text, AsciiSpaceSet) {
  for (const char c : " \t\n\r\f\v"sv) {
    EXPECT_TRUE(is_ascii_space(c)) << static_cast<int>(c);
  }
  EXPECT_FALSE(is_ascii_space('a'));
  EXPECT_FALSE(is_ascii_space('\0'));
  EXPECT_FALSE(is_ascii_space('\xA0'));
}

}  // namespace
}  // namespace lv::util
