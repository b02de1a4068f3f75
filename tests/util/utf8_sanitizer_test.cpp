#include "util/utf8_sanitizer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "util/utf8.h"

namespace lv::util {
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

TEST(SanitizeUtf8, WholeTextAtOnce) {
  EXPECT_EQ(sanitize_utf8("ok \xC3\xA9"), "ok \xC3\xA9");
  EXPECT_EQ(sanitize_utf8("x\xC3"), "x" + kReplacement);
  EXPECT_EQ(sanitize_utf8("\xF5!"), kReplacement + "!");
}

}  // namespace
}  // namespace lv::util
