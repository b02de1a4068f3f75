#include "server/url_codec.h"

#include <gtest/gtest.h>

namespace lv::server {
namespace {

TEST(PercentDecode, DecodesEscapesAndPlus) {
  EXPECT_EQ(percent_decode("a%20b", false), "a b");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("%C3%A9", false), "\xC3\xA9");
}

TEST(PercentDecode, RejectsMalformedEscapesAndNul) {
  EXPECT_FALSE(percent_decode("%", false));
  EXPECT_FALSE(percent_decode("%2", false));
  EXPECT_FALSE(percent_decode("%G1", false));
  EXPECT_FALSE(percent_decode("a%00b", false));
}

TEST(ParseTarget, SplitsPathAndQuery) {
  const auto parsed = parse_target("/v1/kb/search?q=hello+world&k=3&flag&q=again");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->path, "/v1/kb/search");
  EXPECT_EQ(parsed->query.count("q"), 2U);
  EXPECT_EQ(parsed->query.find("k")->second, "3");
  EXPECT_EQ(parsed->query.find("flag")->second, "");
}

TEST(ParseTarget, RejectsNonOriginForms) {
  EXPECT_FALSE(parse_target(""));
  EXPECT_FALSE(parse_target("http://host/x"));
  EXPECT_FALSE(parse_target("*"));
  EXPECT_FALSE(parse_target("/a?x=%zz"));
}

}  // namespace
}  // namespace lv::server
