#include "kb/tokenizer.h"

#include <gtest/gtest.h>

namespace lv::kb {
namespace {

using Terms = std::vector<std::string>;

TEST(TokenizerTest, LowercasesSplitsAndDropsStopWords) {
  EXPECT_EQ(tokenize("How do I reset the Router?"), (Terms{"reset", "router"}));
  EXPECT_EQ(tokenize("Wi-Fi 5GHz, WPA3!"), (Terms{"wi", "fi", "5ghz", "wpa3"}));
  EXPECT_TRUE(tokenize("the and of a").empty());
  EXPECT_TRUE(tokenize("").empty());
}

TEST(TokenizerTest, HandlesApostrophes) {
  EXPECT_EQ(tokenize("don't"), (Terms{"dont"}));
  EXPECT_EQ(tokenize("the cat's bowl"), (Terms{"cat", "bowl"}));
  EXPECT_EQ(tokenize("Jupiter\xE2\x80\x99s moons"), (Terms{"jupiter", "moon"}));
}

TEST(TokenizerTest, IsUnicodeAware) {
  EXPECT_EQ(tokenize("ÉCOLE Straße"), (Terms{"école", "straße"}));
  EXPECT_EQ(tokenize("ПРИВЕТ мир"), (Terms{"привет", "мир"}));
  EXPECT_EQ(tokenize("naïve—café…"), (Terms{"naïve", "café"}));
  EXPECT_EQ(tokenize("東京 🙂 rail"), (Terms{"東京", "rail"}));
}

TEST(TokenizerTest, StemsConservatively) {
  EXPECT_EQ(stem_word("batteries"), stem_word("battery"));
  EXPECT_EQ(stem_word("configured"), stem_word("configure"));
  EXPECT_EQ(stem_word("configuring"), stem_word("configure"));
  EXPECT_EQ(stem_word("running"), "run");
  EXPECT_EQ(stem_word("routers"), "router");
  EXPECT_EQ(stem_word("boxes"), "box");
  EXPECT_EQ(stem_word("glasses"), "glass");
  EXPECT_EQ(stem_word("bus"), "bus");
  EXPECT_EQ(stem_word("status"), "status");
  EXPECT_EQ(stem_word("analysis"), "analysis");
  EXPECT_EQ(stem_word("sing"), "sing");
  EXPECT_EQ(stem_word("bed"), "bed");
  EXPECT_EQ(stem_word("falling"), "fall");
  EXPECT_EQ(stem_word("v2s"), "v2s");
}

TEST(TokenizerTest, KnowsItsStopWords) {
  EXPECT_TRUE(is_stop_word("the"));
  EXPECT_TRUE(is_stop_word("yourselves"));
  EXPECT_FALSE(is_stop_word("router"));
}

}  // namespace
}  // namespace lv::kb
