#include "kb/html_text.h"

#include <gtest/gtest.h>

namespace lv::kb {
namespace {

TEST(HtmlTextTest, KeepsHeadingsAsMarkdownAndParagraphsAsBlocks) {
  const std::string text = html_to_text(
      "<html><head><title>T</title></head><body><h1>Setup</h1><p>First   paragraph\nwraps.</p>"
      "<h2 class=\"x\">Network</h2><p>Second <b>bold</b> one.</p></body></html>");
  EXPECT_EQ(text, "# Setup\n\nFirst paragraph wraps.\n\n## Network\n\nSecond bold one.\n");
}

TEST(HtmlTextTest, DropsScriptsStylesAndComments) {
  const std::string text = html_to_text(
      "<p>visible</p><script type=\"text/javascript\">if (a < b) { hidden(); }</script><style>p { x: 1 }</style>"
      "<!-- a comment --><SCRIPT>more hidden</SCRIPT><p>also visible</p>");
  EXPECT_EQ(text.find("hidden"), std::string::npos) << text;
  EXPECT_EQ(text.find("comment"), std::string::npos) << text;
  EXPECT_NE(text.find("visible"), std::string::npos);
  EXPECT_NE(text.find("also visible"), std::string::npos);
}

TEST(HtmlTextTest, DecodesEntities) {
  EXPECT_EQ(html_to_text("<p>Fish &amp; chips &mdash; &#233;t&#xE9; &lt;3 &nbsp;&unknown; 5 &gt 4</p>"),
            "Fish & chips \xE2\x80\x94 \xC3\xA9t\xC3\xA9 <3 &unknown; 5 &gt 4\n");
  EXPECT_EQ(decode_html_entity("#0"), "\xEF\xBF\xBD");
  EXPECT_EQ(decode_html_entity("#xD800"), "\xEF\xBF\xBD");
  EXPECT_EQ(decode_html_entity("bogus"), "");
}

TEST(HtmlTextTest, ListsBecomeLines) { EXPECT_EQ(html_to_text("<ul><li>one</li><li>two</li></ul>"), "- one\n- two\n"); }

TEST(HtmlTextTest, SurvivesMalformedMarkup) {
  EXPECT_EQ(html_to_text("a < b and <p unclosed"), "a < b and\n");
  EXPECT_EQ(html_to_text("<script>never closed"), "");
  EXPECT_EQ(html_to_text("<a href=\"x>y\">link</a> text"), "link text\n");
  EXPECT_EQ(html_to_text(""), "");
  EXPECT_EQ(html_to_text("<<<>>>&&&;"), "<<<>>>&&&;\n");
}

}  // namespace
}  // namespace lv::kb
