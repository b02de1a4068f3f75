#include "util/log.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "util/error.h"

namespace lv::log {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void TearDown() override { init(Level::warn, Format::text); }
  std::ostringstream out_;
};

TEST_F(LogTest, JsonLinesCarryFieldsWithTypes) {
  init(Level::info, Format::json, &out_);
  info("http request", {{"request_id", "r1"}, {"status", 200}, {"ok", true}, {"ms", 1.5}});
  const auto line = nlohmann::json::parse(out_.str());
  EXPECT_EQ(line["msg"], "http request");
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["request_id"], "r1");
  EXPECT_EQ(line["status"], 200);
  EXPECT_EQ(line["ok"], true);
  EXPECT_DOUBLE_EQ(line["ms"].get<double>(), 1.5);
  EXPECT_EQ(line["ts"].get<std::string>().back(), 'Z');
}

TEST_F(LogTest, JsonEscapesQuotesNewlinesAndControlCharacters) {
  init(Level::info, Format::json, &out_);
  info("say \"hi\"\nnext", {{"path", std::string("a\\b\x01")}});
  const std::string text = out_.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << "one line per entry";
  const auto line = nlohmann::json::parse(text);
  EXPECT_EQ(line["msg"], "say \"hi\"\nnext");
  EXPECT_EQ(line["path"], std::string("a\\b\x01"));
}

TEST_F(LogTest, TextLinesAreReadable) {
  init(Level::info, Format::text, &out_);
  warn("engine unavailable", {{"kind", "stt"}, {"detail", "no model here"}});
  const std::string text = out_.str();
  EXPECT_NE(text.find("warning engine unavailable kind=stt detail=\"no model here\""), std::string::npos) << text;
}

TEST_F(LogTest, LevelFiltersLines) {
  init(Level::warn, Format::json, &out_);
  info("hidden");
  EXPECT_FALSE(enabled(Level::info));
  error("shown");
  EXPECT_EQ(out_.str().find("hidden"), std::string::npos);
  EXPECT_NE(out_.str().find("shown"), std::string::npos);
}

TEST(LogNames, ParseAndRejectWithFix) {
  EXPECT_EQ(parse_level("debug"), Level::debug);
  EXPECT_EQ(parse_format("json"), Format::json);
  try {
    parse_level("loud");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("loud"), std::string::npos);
    EXPECT_NE(e.fix().find("trace"), std::string::npos);
  }
  EXPECT_THROW(parse_format("xml"), Error);
}

}  // namespace
}  // namespace lv::log
