#include "kb/text_utf8.h"

#include <gtest/gtest.h>

namespace lv::kb {
namespace {

TEST(TextUtf8Test, ValidTextPassesThroughUnchanged) {
  const std::string text = "Grüße, naïve café — 日本語 🙂\n";
  const auto repaired = repair_utf8(text);
  EXPECT_EQ(repaired.text, text);
  EXPECT_EQ(repaired.replaced, 0U);
  EXPECT_FALSE(looks_binary(text));
}

TEST(TextUtf8Test, InvalidSequencesBecomeReplacementCharacters) {
  // Latin-1 é, a lone continuation byte, an overlong '/', a surrogate, and a truncated sequence at the end.
  const auto repaired = repair_utf8("caf\xe9 \x80 \xc0\xaf \xed\xa0\x80 end\xe2\x82");
  EXPECT_EQ(repaired.replaced, 5U);
  // One U+FFFD per broken sequence, not one per byte.
  EXPECT_EQ(repaired.text, "caf\xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD end\xEF\xBF\xBD");
  EXPECT_EQ(repair_utf8(repaired.text).replaced, 0U) << "the output is valid UTF-8";
}

TEST(TextUtf8Test, DropsTheByteOrderMark) { EXPECT_EQ(repair_utf8("\xEF\xBB\xBFhello").text, "hello"); }

TEST(TextUtf8Test, DetectsBinaryContent) {
  EXPECT_TRUE(looks_binary(std::string("abc\0def", 7)));
  std::string noise;
  for (int i = 0; i < 1000; ++i) noise += static_cast<char>(0x80 + (i * 37) % 120);
  EXPECT_TRUE(looks_binary(noise));
  EXPECT_FALSE(looks_binary("plain text with a few odd bytes \xe9\xe8 here and there, mostly fine text"));
  EXPECT_FALSE(looks_binary(""));
}

}  // namespace
}  // namespace lv::kb
