#include "config/settings.h"

#include <gtest/gtest.h>

#include <string>

#include "util/error.h"

namespace lv::config {
namespace {

const Setting& setting(std::string_view key) {
  const Setting* found = find_setting(key);
  if (found == nullptr) throw std::logic_error("no setting " + std::string(key));
  return *found;
}

TEST(SettingsTest, FindsSettingsByKey) {
  EXPECT_EQ(setting("server.port").type, ValueType::integer);
  EXPECT_EQ(setting("server.max_upload_bytes").type, ValueType::size);
  EXPECT_EQ(setting("engines.stt").type, ValueType::text);
  EXPECT_EQ(find_setting("server.prot"), nullptr);
  EXPECT_EQ(find_setting(""), nullptr);
}

TEST(SettingsTest, StoreAndReadAgree) {
  for (const Setting& entry : settings()) {
    Config config;
    const Value value = entry.type == ValueType::text      ? Value{std::string("127.0.0.1")}
                        : entry.type == ValueType::decimal ? Value{0.5}
                                                           : Value{std::int64_t{7}};
    entry.store(config, value);
    EXPECT_EQ(entry.read(config), value) << entry.key;
  }
}

TEST(SettingsTest, ParsesDecimals) {
  EXPECT_EQ(parse_text(setting("kb.min_score"), "0.25"), Value{0.25});
  EXPECT_EQ(parse_text(setting("kb.min_score"), " 1 "), Value{1.0});
  EXPECT_THROW(parse_text(setting("kb.min_score"), "0.2x"), Error);
  EXPECT_THROW(parse_text(setting("kb.min_score"), "nan"), Error);
  EXPECT_THROW(parse_text(setting("kb.min_score"), ""), Error);
  EXPECT_THROW(check_value(setting("kb.min_score"), Value{1.01}), Error);
  EXPECT_NO_THROW(check_value(setting("kb.min_score"), Value{0.0}));
}

TEST(SettingsTest, ParsesIntegers) {
  EXPECT_EQ(parse_text(setting("server.port"), "8080"), Value{std::int64_t{8080}});
  EXPECT_EQ(parse_text(setting("server.port"), " 42 "), Value{std::int64_t{42}});
  EXPECT_EQ(parse_text(setting("server.port"), "+1"), Value{std::int64_t{1}});
  EXPECT_THROW(parse_text(setting("server.port"), "abc"), Error);
  EXPECT_THROW(parse_text(setting("server.port"), ""), Error);
  EXPECT_THROW(parse_text(setting("server.port"), "80x"), Error);
  EXPECT_THROW(parse_text(setting("server.port"), "8.5"), Error);
  EXPECT_THROW(parse_text(setting("server.port"), "-1"), Error);
  EXPECT_THROW(parse_text(setting("server.port"), "1e3"), Error);
}

TEST(SettingsTest, ChecksRanges) {
  EXPECT_NO_THROW(check_value(setting("server.port"), std::int64_t{0}));
  EXPECT_NO_THROW(check_value(setting("server.port"), std::int64_t{65535}));
  EXPECT_THROW(check_value(setting("server.port"), std::int64_t{65536}), Error);
  EXPECT_THROW(check_value(setting("server.port"), std::int64_t{-1}), Error);
  EXPECT_THROW(check_value(setting("server.io_threads"), std::int64_t{0}), Error);
  EXPECT_NO_THROW(check_value(setting("server.io_threads"), std::int64_t{64}));
  EXPECT_THROW(check_value(setting("server.worker_threads"), std::int64_t{65}), Error);
  EXPECT_THROW(check_value(setting("server.max_ws_message_bytes"), std::int64_t{0}), Error);
  EXPECT_NO_THROW(check_value(setting("server.shutdown_grace_ms"), std::int64_t{0}));
  EXPECT_THROW(check_value(setting("server.shutdown_grace_ms"), std::int64_t{3'600'001}), Error);
}

TEST(SettingsTest, PortRangeFixMentionsPortZero) {
  try {
    check_value(setting("server.port"), std::int64_t{70000});
    FAIL() << "70000 accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.fix(), "use a number from 0 to 65535 (0 picks a free port)");
  }
}

TEST(SettingsTest, ParsesSizes) {
  EXPECT_EQ(parse_size("1048576"), 1048576);
  EXPECT_EQ(parse_size("512KiB"), 512 * 1024);
  EXPECT_EQ(parse_size("25 MiB"), std::int64_t{25} << 20);
  EXPECT_EQ(parse_size("2gib"), std::int64_t{2} << 30);
  EXPECT_EQ(parse_size("100B"), 100);
  EXPECT_THROW(parse_size("25MB"), Error);
  EXPECT_THROW(parse_size("MiB"), Error);
  EXPECT_THROW(parse_size("-1MiB"), Error);
  EXPECT_THROW(parse_size("9999999999999GiB"), Error);
}

TEST(SettingsTest, ChecksHosts) {
  EXPECT_NO_THROW(check_host("127.0.0.1"));
  EXPECT_NO_THROW(check_host("::"));
  EXPECT_NO_THROW(check_host("localhost"));
  EXPECT_THROW(check_host("LOCALHOST.local"), Error);
  EXPECT_THROW(check_host("1.2.3.4.5"), Error);
  EXPECT_THROW(check_host(" 127.0.0.1"), Error);
  try {
    check_host("[::1]");
    FAIL() << "brackets accepted";
  } catch (const Error& error) {
    EXPECT_NE(error.fix().find("::1"), std::string::npos);
  }
}

TEST(SettingsTest, EnginesAreCheckedButMayBeEmpty) {
  EXPECT_NO_THROW(check_value(setting("engines.llm"), std::string()));
  EXPECT_NO_THROW(check_value(setting("engines.llm"), std::string("llama:/m.gguf")));
  EXPECT_THROW(check_value(setting("engines.llm"), std::string("m.gguf")), Error);
}

}  // namespace
}  // namespace lv::config
