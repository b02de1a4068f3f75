// How each configuration key is typed, checked, stored into Config and read back (for to_toml).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "config/config.h"

namespace lv::config {

// What a setting holds: text, a whole number, a size in bytes (a number, or text such as "25MiB"), or a
// decimal number (e.g. a score threshold, 0.15).
enum class ValueType { text, integer, size, decimal };

using Value = std::variant<std::string, std::int64_t, double>;

struct Setting {
  std::string_view key;
  ValueType type = ValueType::text;
  std::int64_t min = 0;  // inclusive bounds for integer, size and decimal settings
  std::int64_t max = 0;
  // Rejects a value of the right type that is still wrong (a bad host, log level, engine URL); throws
  // lv::Error. Null when any text is fine.
  void (*check_text)(const std::string& value) = nullptr;
  void (*store)(Config& config, const Value& value) = nullptr;
  Value (*read)(const Config& config) = nullptr;
};

// Every setting, in the order of keys().
std::span<const Setting> settings();
// The setting named `key`, or nullptr.
const Setting* find_setting(std::string_view key);

// Parses text given for a setting (an environment variable or flag) into its type; throws lv::Error.
Value parse_text(const Setting& setting, std::string_view text);
// Checks bounds and content of a typed value; throws lv::Error saying what is wrong and the fix.
void check_value(const Setting& setting, const Value& value);

// Parses a decimal number such as "0.15" or "1"; throws lv::Error.
double parse_decimal(std::string_view text);
// Parses a byte size: "1048576", "512KiB", "25MiB", "1GiB" (units are powers of 1024); throws lv::Error.
std::int64_t parse_size(std::string_view text);
// Accepts an IPv4 or IPv6 literal or "localhost"; throws lv::Error otherwise.
void check_host(const std::string& host);

}  // namespace lv::config
