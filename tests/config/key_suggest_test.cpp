#include "config/key_suggest.h"

#include <gtest/gtest.h>

namespace lv::config {
namespace {

TEST(KeySuggestTest, EditDistanceCountsEditsAndSwaps) {
  EXPECT_EQ(edit_distance("", ""), 0U);
  EXPECT_EQ(edit_distance("port", "port"), 0U);
  EXPECT_EQ(edit_distance("port", "prot"), 1U);   // swap
  EXPECT_EQ(edit_distance("port", "ports"), 1U);  // insertion
  EXPECT_EQ(edit_distance("port", "pot"), 1U);    // deletion
  EXPECT_EQ(edit_distance("port", "part"), 1U);   // substitution
  EXPECT_EQ(edit_distance("PORT", "port"), 0U);   // case is ignored
  EXPECT_EQ(edit_distance("", "abc"), 3U);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3U);
}

TEST(KeySuggestTest, SuggestsKeys) {
  EXPECT_EQ(suggest_key("server.prot"), "server.port");
  EXPECT_EQ(suggest_key("sever.port"), "server.port");
  EXPECT_EQ(suggest_key("engine.stt"), "engines.stt");
  EXPECT_EQ(suggest_key("server.io_thread"), "server.io_threads");
  EXPECT_EQ(suggest_key("port"), "server.port");
  EXPECT_EQ(suggest_key("level"), "log.level");
  EXPECT_EQ(suggest_key("llm"), "engines.llm");
  EXPECT_EQ(suggest_key("completely.different"), std::nullopt);
  EXPECT_EQ(suggest_key("x"), std::nullopt);
}

TEST(KeySuggestTest, SuggestsSections) {
  EXPECT_EQ(suggest_section("sever"), "server");
  EXPECT_EQ(suggest_section("engine"), "engines");
  EXPECT_EQ(suggest_section("logs"), "log");
  EXPECT_EQ(suggest_section("database"), std::nullopt);
}

TEST(KeySuggestTest, SuggestsEnvironmentVariables) {
  EXPECT_EQ(suggest_env("LOCALVOICE_SERVER_PROT"), "LOCALVOICE_SERVER_PORT");
  EXPECT_EQ(suggest_env("LOCALVOICE_PORT"), "LOCALVOICE_SERVER_PORT");
  EXPECT_EQ(suggest_env("LOCALVOICE_ENGINE_STT"), "LOCALVOICE_ENGINES_STT");
  EXPECT_EQ(suggest_env("LOCALVOICE_IO_THREADS"), "LOCALVOICE_SERVER_IO_THREADS");
  EXPECT_EQ(suggest_env("LOCALVOICE_CONFG"), "LOCALVOICE_CONFIG");
  EXPECT_EQ(suggest_env("LOCALVOICE_SOMETHING_ELSE_ENTIRELY"), std::nullopt);
}

TEST(KeySuggestTest, FixTextsSuggestOrPointAtTheDocs) {
  EXPECT_EQ(unknown_key_fix("server.prot"), "did you mean 'server.port'?");
  EXPECT_NE(unknown_key_fix("zzzzzz.qqqq").find("docs/configuration.md"), std::string::npos);
  EXPECT_EQ(unknown_env_fix("LOCALVOICE_LOG_LEVL"), "did you mean LOCALVOICE_LOG_LEVEL?");
  EXPECT_NE(unknown_env_fix("LOCALVOICE_ZZZZZZZZZZZZZZ").find("unset it"), std::string::npos);
}

}  // namespace
}  // namespace lv::config
