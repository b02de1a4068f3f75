// Structured logging to stderr: JSON lines when stderr is not a terminal, readable lines when it is.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <string>
#include <string_view>

namespace lv::log {

enum class Level { trace, debug, info, warn, error, critical, off };
enum class Format { automatic, json, text };

// One key/value pair attached to a log line (e.g. request_id, session_id).
struct Field {
  Field(std::string_view key_in, std::string_view value_in) : key(key_in), value(value_in) {}
  Field(std::string_view key_in, const char* value_in) : key(key_in), value(value_in) {}
  Field(std::string_view key_in, const std::string& value_in) : key(key_in), value(value_in) {}
  Field(std::string_view key_in, std::int64_t value_in) : key(key_in), value(std::to_string(value_in)), quoted(false) {}
  Field(std::string_view key_in, int value_in) : Field(key_in, static_cast<std::int64_t>(value_in)) {}
  Field(std::string_view key_in, unsigned value_in) : Field(key_in, static_cast<std::int64_t>(value_in)) {}
  Field(std::string_view key_in, std::uint64_t value_in)
      : key(key_in), value(std::to_string(value_in)), quoted(false) {}
  Field(std::string_view key_in, double value_in);
  Field(std::string_view key_in, bool value_in) : key(key_in), value(value_in ? "true" : "false"), quoted(false) {}

  std::string_view key;
  std::string value;
  bool quoted = true;  // false for numbers and booleans, which JSON writes bare
};

// Parses "trace", "debug", "info", "warn", "error", "critical" or "off"; throws lv::Error otherwise.
Level parse_level(std::string_view name);
std::string_view level_name(Level level);
// Parses "auto", "json" or "text"; throws lv::Error otherwise.
Format parse_format(std::string_view name);

// Configures the process logger: to stderr, or to `output` when given (automatic then means JSON).
// Safe to call again, e.g. after the config is loaded.
void init(Level level, Format format = Format::automatic, std::ostream* output = nullptr);

bool enabled(Level level);
void write(Level level, std::string_view message, std::initializer_list<Field> fields = {});

inline void debug(std::string_view message, std::initializer_list<Field> fields = {}) {
  write(Level::debug, message, fields);
}
inline void info(std::string_view message, std::initializer_list<Field> fields = {}) {
  write(Level::info, message, fields);
}
inline void warn(std::string_view message, std::initializer_list<Field> fields = {}) {
  write(Level::warn, message, fields);
}
inline void error(std::string_view message, std::initializer_list<Field> fields = {}) {
  write(Level::error, message, fields);
}

// Escapes a string for inclusion inside JSON double quotes (exposed for tests).
void append_json_escaped(std::string& out, std::string_view text);

}  // namespace lv::log
