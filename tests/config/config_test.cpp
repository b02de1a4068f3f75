#include "config/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "config/settings.h"
#include "support/test_paths.h"

namespace lv::config {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(ConfigKeysTest, EveryKeyHasASettingAndAMatchingEnvName) {
  std::set<std::string_view> seen;
  for (const KeyInfo& info : keys()) {
    EXPECT_TRUE(seen.insert(info.key).second) << "listed twice: " << info.key;
    EXPECT_NE(find_setting(info.key), nullptr) << info.key;
    std::string env = "LOCALVOICE_";
    for (const char c : info.key) {
      env += c == '.' ? '_' : static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    }
    EXPECT_EQ(info.env, env);
    EXPECT_FALSE(info.description.empty()) << info.key;
  }
  EXPECT_EQ(keys().size(), settings().size());
}

TEST(ConfigKeysTest, DefaultTextsMatchTheDefaultConfig) {
  const Config defaults;
  for (const KeyInfo& info : keys()) {
    const Setting* setting = find_setting(info.key);
    ASSERT_NE(setting, nullptr) << info.key;
    EXPECT_EQ(parse_text(*setting, info.default_text), setting->read(defaults)) << info.key;
  }
}

TEST(ConfigKeysTest, FlagsMapToKnownKeys) {
  for (const FlagInfo& flag : flags()) {
    EXPECT_NE(find_setting(flag.key), nullptr) << flag.flag;
    EXPECT_EQ(flag_for_key(flag.key), flag.flag);
    EXPECT_EQ(flag.flag.substr(0, 2), "--");
  }
  EXPECT_EQ(flag_for_key("server.port"), "--port");
  EXPECT_EQ(flag_for_key("engines.stt"), "--stt");
  EXPECT_EQ(flag_for_key("server.io_threads"), "");
}

TEST(ConfigDocsTest, DocumentsEveryKeyWithItsEnvironmentVariableAndFlag) {
  const std::string docs = read_text(test::source_dir() / "docs" / "configuration.md");
  ASSERT_FALSE(docs.empty()) << "docs/configuration.md is missing";
  for (const KeyInfo& info : keys()) {
    // One table row per key: "| `server.port` | `LOCALVOICE_SERVER_PORT` | ...".
    const std::string row = "| `" + std::string(info.key) + "` | `" + std::string(info.env) + "` |";
    const auto at = docs.find(row);
    EXPECT_NE(at, std::string::npos) << "docs/configuration.md has no row " << row;
    const std::string_view flag = flag_for_key(info.key);
    if (at != std::string::npos && !flag.empty()) {
      const std::string line = docs.substr(at, docs.find('\n', at) - at);
      EXPECT_NE(line.find("`" + std::string(flag) + "`"), std::string::npos) << line;
    }
  }
}

TEST(ConfigDocsTest, ExampleConfigFileLoads) {
  const std::string docs = read_text(test::source_dir() / "docs" / "configuration.md");
  const auto begin = docs.find("```toml\n");
  ASSERT_NE(begin, std::string::npos) << "docs/configuration.md has no example config.toml";
  const auto end = docs.find("```", begin + 8);
  ASSERT_NE(end, std::string::npos);
  test::TempDir home;
  std::ofstream(home / "config.toml") << docs.substr(begin + 8, end - begin - 8);
  Sources sources;
  sources.file = home / "config.toml";
  sources.env["HOME"] = home.path().string();
  const Config config = load(sources);
  EXPECT_EQ(config.engines.stt, "whisper:base.en");
  EXPECT_EQ(config.paths.models_dir, home.path() / "models/localvoice");
}

TEST(ConfigTomlTest, RoundTripsThroughLoad) {
  test::TempDir home;
  Config config;
  config.server.host = "::1";
  config.server.port = 0;
  config.server.web_root = home.path().string();
  config.server.io_threads = 64;
  config.server.max_upload_bytes = 123456789;
  config.server.shutdown_grace_ms = 0;
  config.engines.stt = "whisper:base.en?prompt=say%20\"hi\"";
  config.engines.llm = "ollama:http://localhost:11434?model=gemma3:4b";
  config.engines.tts = "";
  config.paths.data_dir = "/data dir/with \"quotes\" and \\slashes";
  config.paths.models_dir = "/models";
  config.paths.kb_dir = "/kb";
  config.kb.top_k = 7;
  config.kb.min_score = 0.1;  // not exact in binary: the TOML text must still read back to the same double
  config.kb.chunk_overlap_words = 0;
  config.log.level = "trace";
  config.log.format = "text";

  const fs::path file = home / "config.toml";
  std::ofstream(file) << to_toml(config);
  Sources sources;
  sources.file = file;
  sources.env["HOME"] = home.path().string();
  EXPECT_EQ(load(sources), config) << to_toml(config);
}

TEST(ConfigTomlTest, DefaultConfigRoundTripsAndListsEveryKey) {
  test::TempDir home;
  Sources sources;
  sources.env["HOME"] = home.path().string();
  const Config config = load(sources);
  const std::string toml = to_toml(config);
  for (const KeyInfo& info : keys()) {
    const std::string leaf(info.key.substr(info.key.find('.') + 1));
    EXPECT_NE(toml.find("\n" + leaf + " = "), std::string::npos) << info.key;
  }
  std::ofstream(home / "c.toml") << toml;
  sources.file = home / "c.toml";
  EXPECT_EQ(load(sources), config);
}

TEST(ConfigEnvironmentTest, ReadsOnlyLocalVoiceXdgAndHome) {
  ASSERT_EQ(::setenv("LOCALVOICE_TEST_MARKER", "marker=value", 1), 0);
  ASSERT_EQ(::setenv("XDG_TEST_MARKER", "x", 1), 0);
  ASSERT_EQ(::setenv("UNRELATED_TEST_MARKER", "y", 1), 0);
  const auto env = process_environment();
  ::unsetenv("LOCALVOICE_TEST_MARKER");
  ::unsetenv("XDG_TEST_MARKER");
  ::unsetenv("UNRELATED_TEST_MARKER");
  ASSERT_EQ(env.count("LOCALVOICE_TEST_MARKER"), 1U);
  EXPECT_EQ(env.at("LOCALVOICE_TEST_MARKER"), "marker=value");
  EXPECT_EQ(env.count("XDG_TEST_MARKER"), 1U);
  EXPECT_EQ(env.count("UNRELATED_TEST_MARKER"), 0U);
  EXPECT_EQ(env.count("PATH"), 0U);
  const char* home = ::getenv("HOME");
  EXPECT_EQ(env.count("HOME"), home != nullptr ? 1U : 0U);
}

TEST(SessionSettingsTest, DefaultsAreTheSessionsOwn) {
  const session::SessionOptions defaults;
  const auto converted = to_session_options(SessionConfig{});
  EXPECT_EQ(converted.turn_taking.min_speech_ms, defaults.turn_taking.min_speech_ms);
  EXPECT_EQ(converted.turn_taking.end_of_turn_silence_ms, defaults.turn_taking.end_of_turn_silence_ms);
  EXPECT_EQ(converted.turn_taking.min_interruption_ms, defaults.turn_taking.min_interruption_ms);
  EXPECT_EQ(converted.turn_taking.false_interruption_timeout_ms, defaults.turn_taking.false_interruption_timeout_ms);
  EXPECT_EQ(converted.playback_lead_ms, defaults.playback_lead_ms);
  EXPECT_EQ(converted.system_prompt, defaults.system_prompt);  // empty: the built-in prompt
  EXPECT_EQ(converted.chat.max_tokens, 300);                   // the server's cap on a spoken reply
}

TEST(SessionSettingsTest, EachKeyReachesItsSessionOption) {
  SessionConfig settings;
  settings.min_speech_ms = 111;
  settings.end_of_turn_silence_ms = 222;
  settings.min_interruption_ms = 333;
  settings.false_interruption_timeout_ms = 444;
  settings.playback_lead_ms = 555;
  settings.system_prompt = "Be terse.";
  settings.max_reply_tokens = 66;
  const auto options = to_session_options(settings);
  EXPECT_EQ(options.turn_taking.min_speech_ms, 111);
  EXPECT_EQ(options.turn_taking.end_of_turn_silence_ms, 222);
  EXPECT_EQ(options.turn_taking.min_interruption_ms, 333);
  EXPECT_EQ(options.turn_taking.false_interruption_timeout_ms, 444);
  EXPECT_EQ(options.playback_lead_ms, 555);
  EXPECT_EQ(options.system_prompt, "Be terse.");
  EXPECT_EQ(options.chat.max_tokens, 66);
}

}  // namespace
}  // namespace lv::config
