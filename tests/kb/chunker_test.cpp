#include "kb/chunker.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace lv::kb {
namespace {

std::string words(int count, const std::string& word = "word") {
  std::string out;
  for (int i = 0; i < count; ++i) {
    out += (i > 0 ? " " : "") + word + std::to_string(i);
    if (i % 10 == 9) out += ".";
  }
  return out;
}

int count_words(const std::string& text) {
  int count = 0;
  bool in_word = false;
  for (const char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\t';
    if (!space && !in_word) ++count;
    in_word = !space;
  }
  return count;
}

TEST(ChunkerTest, KeepsTheHeadingTrailAndStartsAChunkPerSection) {
  const std::string text =
      "Intro line.\n\n# Setup\n\nInstall it.\n\n## Network\n\nPlug the cable.\n\n## Power\n\nSwitch on.\n\n"
      "# Usage\n\nPress start.\n";
  const auto chunks = chunk_text(text);
  ASSERT_EQ(chunks.size(), 5U);
  EXPECT_EQ(chunks[0].heading, "");
  EXPECT_EQ(chunks[1].heading, "Setup");
  EXPECT_EQ(chunks[2].heading, "Setup > Network");
  EXPECT_EQ(chunks[2].text, "Plug the cable.");
  EXPECT_EQ(chunks[3].heading, "Setup > Power");
  EXPECT_EQ(chunks[4].heading, "Usage");
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    EXPECT_EQ(chunks[i].ordinal, static_cast<int>(i));
    EXPECT_EQ(text.substr(chunks[i].char_begin, chunks[i].char_end - chunks[i].char_begin), chunks[i].text);
  }
}

TEST(ChunkerTest, SplitsLongSectionsAtParagraphsWithinTheLimitsAndOverlaps) {
  std::string text = "# Long\n\n";
  for (int p = 0; p < 12; ++p) text += words(60, "p" + std::to_string(p) + "w") + "\n\n";
  const ChunkOptions options{200, 300, 40};
  const auto chunks = chunk_text(text, options);
  ASSERT_GE(chunks.size(), 3U);
  for (const auto& chunk : chunks) {
    EXPECT_LE(count_words(chunk.text), 300);
    EXPECT_EQ(chunk.heading, "Long");
  }
  for (std::size_t i = 0; i + 1 < chunks.size(); ++i) {
    EXPECT_GE(count_words(chunks[i].text), 200);
    EXPECT_LT(chunks[i + 1].char_begin, chunks[i].char_end) << "consecutive chunks overlap";
    EXPECT_GT(chunks[i + 1].char_begin, chunks[i].char_begin);
  }
  EXPECT_NE(chunks.back().text.find("p11w59"), std::string::npos) << "nothing is lost at the end";
}

TEST(ChunkerTest, CutsAParagraphWithoutPunctuationAtWords) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "token ";
  const auto chunks = chunk_text(text, {100, 150, 0});
  ASSERT_GE(chunks.size(), 7U);
  for (const auto& chunk : chunks) EXPECT_LE(count_words(chunk.text), 150);
}

TEST(ChunkerTest, IgnoresHashLinesInCodeFencesAndBlankDocuments) {
  const auto chunks = chunk_text("# Real\n\n```\n# not a heading\n```\n\nAfter.\n");
  ASSERT_EQ(chunks.size(), 1U);
  EXPECT_EQ(chunks[0].heading, "Real");
  EXPECT_TRUE(chunk_text("").empty());
  EXPECT_TRUE(chunk_text(" \n\n\t\n").empty());
  EXPECT_TRUE(chunk_text("# Only a heading\n").empty());
  EXPECT_EQ(chunk_text("#hashtag is text").size(), 1U);
}

TEST(ChunkerTest, RejectsNonsensicalOptions) {
  EXPECT_THROW(chunk_text("x", {0, 10, 0}), Error);
  EXPECT_THROW(chunk_text("x", {100, 50, 0}), Error);
  EXPECT_THROW(chunk_text("x", {100, 150, 100}), Error);
  EXPECT_THROW(chunk_text("x", {100, 150, -1}), Error);
}

}  // namespace
}  // namespace lv::kb
