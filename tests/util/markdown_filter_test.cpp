#include "util/markdown_filter.h"

#include <gtest/gtest.h>

namespace lv::util {
namespace {

std::string strip_piecewise(std::string_view text, std::size_t piece_size) {
  MarkdownFilter filter;
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += piece_size) {
    out += filter.push(text.substr(i, piece_size));
  }
  out += filter.finish();
  return out;
}

TEST(StripMarkdown, EmphasisAndInlineCodeKeepTheirText) {
  EXPECT_EQ(strip_markdown("This is **very** important and *nice*."), "This is very important and nice.");
  EXPECT_EQ(strip_markdown("Use __bold__ or _italic_ and ~~old~~ text."), "Use bold or italic and old text.");
  EXPECT_EQ(strip_markdown("Call `make_tea()` now."), "Call make tea() now.");
  EXPECT_EQ(strip_markdown("The snake_case name"), "The snake case name");
}

TEST(StripMarkdown, HeadingsBulletsQuotesAndTasks) {
  EXPECT_EQ(strip_markdown("# Title\n## Sub title\nText"), "Title\nSub title\nText");
  EXPECT_EQ(strip_markdown("- apples\n* pears\n+ plums"), "apples\npears\nplums");
  EXPECT_EQ(strip_markdown("> quoted words\n> > nested"), "quoted words\nnested");
  EXPECT_EQ(strip_markdown("- [ ] todo\n- [x] done"), "todo\ndone");
  EXPECT_EQ(strip_markdown("1. First\n2. Second"), "1. First\n2. Second");  // numbers are spoken
  EXPECT_EQ(strip_markdown("C# and #hashtag"), "C# and #hashtag");
}

TEST(StripMarkdown, LinksImagesAndUrls) {
  EXPECT_EQ(strip_markdown("See [the docs](https://example.com/docs) now."), "See the docs now.");
  EXPECT_EQ(strip_markdown("![a cat](cat.png) sleeps"), "a cat sleeps");
  EXPECT_EQ(strip_markdown("Visit https://www.python.org/downloads/. Then install."),
            "Visit python.org. Then install.");
  EXPECT_EQ(strip_markdown("Go to <https://localvoice.dev/a?b=c>"), "Go to localvoice.dev");
  EXPECT_EQ(strip_markdown("(see http://host:8080/x)"), "(see host)");
  EXPECT_EQ(strip_markdown("A footnote[^1] here"), "A footnote here");
  EXPECT_EQ(strip_markdown("Just [brackets] stay as words"), "Just brackets stay as words");
}

TEST(StripMarkdown, CodeBlocksAreNeverRead) {
  const std::string text = "Here is code:\n```python\nprint('hi')\nx = 1\n```\nThat was it.";
  EXPECT_EQ(strip_markdown(text), "Here is code:\nCode omitted.\nThat was it.");
  MarkdownOptions silent;
  silent.announce_code_blocks = false;
  EXPECT_EQ(strip_markdown(text, silent), "Here is code:\n\nThat was it.");
  EXPECT_EQ(strip_markdown("~~~\nrm -rf /\n~~~\nDone"), "Code omitted.\nDone");
  // An unterminated block swallows the rest rather than reading code.
  EXPECT_EQ(strip_markdown("Look:\n```\nsecret();"), "Look:\nCode omitted.\n");
}

TEST(StripMarkdown, TablesRulesAndHtml) {
  EXPECT_EQ(strip_markdown("| Name | Age |\n|---|:---:|\n| Ann | 30 |"), "Name, Age\n\nAnn, 30");
  EXPECT_EQ(strip_markdown("Above\n---\nBelow"), "Above\n\nBelow");
  EXPECT_EQ(strip_markdown("line<br>break and <b>bold</b>"), "linebreak and bold");
  EXPECT_EQ(strip_markdown("2 < 3 and 5 > 4"), "2 < 3 and 5 > 4");
  EXPECT_EQ(strip_markdown("a \\*literal\\* star"), "a *literal* star");
}

TEST(MarkdownFilter, ReleasesWholeWordsWhileStreaming) {
  MarkdownFilter filter;
  EXPECT_EQ(filter.push("He"), "");  // could still be a heading marker? no, but the word is incomplete
  EXPECT_EQ(filter.push("llo **wor"), "Hello ");
  EXPECT_EQ(filter.push("ld** and "), "world and ");
  EXPECT_EQ(filter.push("[the li"), "");  // link text is held until the link is complete
  EXPECT_EQ(filter.push("nk](http://x.org) ok"), "the link ");
  EXPECT_EQ(filter.finish(), "ok");
}

TEST(MarkdownFilter, HoldsLineStartMarkersUntilDecided) {
  MarkdownFilter filter;
  EXPECT_EQ(filter.push("#"), "");
  EXPECT_EQ(filter.push("# Head"), "");
  EXPECT_EQ(filter.push("ing text"), "Heading ");
  EXPECT_EQ(filter.push("\n``"), "text\n");
  EXPECT_EQ(filter.push("`\ncode line\n"), "Code omitted.\n");
  EXPECT_EQ(filter.push("```\nafter "), "after ");
  EXPECT_EQ(filter.finish(), "");
}

TEST(MarkdownFilter, AnyPieceSizeGivesTheSameText) {
  const std::string text =
      "# Plan\nHere is **the plan** for _today_:\n\n1. Buy [milk](https://shop.example.com/milk).\n"
      "- Read `README.md` at https://github.com/x/y\n```bash\nmake -j2\n```\n> Note: it costs $3.50.\n"
      "| a | b |\n|---|---|\n| 1 | 2 |\nDone!";
  const std::string whole = strip_markdown(text);
  EXPECT_EQ(whole.find('*'), std::string::npos);
  EXPECT_EQ(whole.find('`'), std::string::npos);
  EXPECT_EQ(whole.find("https"), std::string::npos);
  EXPECT_EQ(whole.find("make -j2"), std::string::npos);
  for (const std::size_t piece : {1, 2, 3, 5, 7, 16}) {
    EXPECT_EQ(strip_piecewise(text, piece), whole) << "piece size " << piece;
  }
}

}  // namespace
}  // namespace lv::util
