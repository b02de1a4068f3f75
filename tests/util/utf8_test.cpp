#include "util/utf8.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace lv::util {
namespace {

using namespace std::string_view_literals;

TEST(Utf8, ScansCompleteSequencesOfEachLength) {
  EXPECT_EQ(scan_utf8("a"sv).length, 1U);
  EXPECT_EQ(scan_utf8("\xC3\xA9"sv).length, 2U);          // é
  EXPECT_EQ(scan_utf8("\xE2\x82\xAC"sv).length, 3U);      // €
  EXPECT_EQ(scan_utf8("\xF0\x9F\x98\x80"sv).length, 4U);  // 😀
  EXPECT_EQ(scan_utf8("\xF0\x9F\x98\x80"sv).status, Utf8Scan::Status::complete);
}

TEST(Utf8, ACutOffSequenceIsIncompleteNotInvalid) {
  const Utf8Scan scan = scan_utf8("\xF0\x9F\x98"sv);
  EXPECT_EQ(scan.status, Utf8Scan::Status::incomplete);
  EXPECT_EQ(scan.length, 3U);
}

TEST(Utf8, RejectsOverlongsSurrogatesAndValuesPastTheLastCodePoint) {
  for (const std::string_view bad :
       {"\xC0\xAF"sv, "\xE0\x80\xAF"sv, "\xED\xA0\x80"sv, "\xF4\x90\x80\x80"sv, "\xFF"sv, "\x80"sv}) {
    EXPECT_EQ(scan_utf8(bad).status, Utf8Scan::Status::invalid);
    EXPECT_FALSE(is_valid_utf8(bad));
    EXPECT_EQ(valid_utf8_length(bad, 0), 0U);
  }
  // The maximal well-formed prefix: E2 82 is a good start that 'x' breaks.
  EXPECT_EQ(scan_utf8("\xE2\x82x"sv).length, 2U);
}

TEST(Utf8, ValidatesWholeText) {
  EXPECT_TRUE(is_valid_utf8("plain, caf\xC3\xA9, \xE2\x82\xAC 5"sv));
  EXPECT_TRUE(is_valid_utf8(""sv));
  EXPECT_FALSE(is_valid_utf8("caf\xC3"sv));
  EXPECT_EQ(valid_utf8_length("ab"sv, 5), 0U);
}

TEST(Utf8, LeadByteLengthByBitPattern) {
  EXPECT_EQ(utf8_sequence_length('a'), 1U);
  EXPECT_EQ(utf8_sequence_length(0xC3), 2U);
  EXPECT_EQ(utf8_sequence_length(0xE2), 3U);
  EXPECT_EQ(utf8_sequence_length(0xF0), 4U);
  EXPECT_EQ(utf8_sequence_length(0x80), 1U);
  EXPECT_EQ(utf8_sequence_length(0xFF), 1U);
}

TEST(Utf8, DecodesAndEncodesCodePointsBothWays) {
  for (const char32_t code_point : {U'a', U'\u00E9', U'\u20AC', U'\U0001F600'}) {
    std::string encoded;
    append_utf8(encoded, code_point);
    EXPECT_TRUE(is_valid_utf8(encoded));
    std::size_t pos = 0;
    EXPECT_EQ(next_code_point(encoded, pos), code_point);
    EXPECT_EQ(pos, encoded.size());
  }
}

TEST(Utf8, DecodingACutOffSequenceStaysInBounds) {
  const std::string_view text = "\xE2\x82"sv;
  std::size_t pos = 0;
  (void)next_code_point(text, pos);
  EXPECT_EQ(pos, text.size());
}

TEST(Utf8, BoundaryBeforeNeverSplitsASequence) {
  const std::string_view text = "a\xE2\x82\xAC"sv;  // "a€"
  EXPECT_EQ(utf8_boundary_before(text, 0), 0U);
  EXPECT_EQ(utf8_boundary_before(text, 1), 1U);
  EXPECT_EQ(utf8_boundary_before(text, 2), 1U);
  EXPECT_EQ(utf8_boundary_before(text, 3), 1U);
  EXPECT_EQ(utf8_boundary_before(text, 4), 4U);
  EXPECT_EQ(utf8_boundary_before(text, 99), 4U);
}

TEST(Utf8, ContinuationBytes) {
  EXPECT_TRUE(is_utf8_continuation('\x80'));
  EXPECT_TRUE(is_utf8_continuation('\xBF'));
  EXPECT_FALSE(is_utf8_continuation('a'));
  EXPECT_FALSE(is_utf8_continuation('\xC3'));
}

}  // namespace
}  // namespace lv::util
