#include "util/log.h"

#include <spdlog/formatter.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cmath>
#include <ctime>
#include <memory>

#include "util/error.h"

namespace lv::log {
namespace {

// Fields travel inside the spdlog message, after the text, separated by ASCII unit/record separators that
// never appear in log text; the formatter owns the rendering, so the logger stays the only state.
constexpr char kFieldSep = '\x1e';
constexpr char kKeySep = '\x1f';
constexpr char kBareMarker = '\x1d';  // prefixes values that JSON writes without quotes

struct DecodedField {
  std::string_view key;
  std::string_view value;
  bool quoted;
};

template <typename Fn>
std::string_view split_fields(std::string_view payload, Fn&& on_field) {
  const auto first = payload.find(kFieldSep);
  const std::string_view text = payload.substr(0, first);
  if (first == std::string_view::npos) {
    return text;
  }
  std::string_view rest = payload.substr(first + 1);
  while (!rest.empty()) {
    const auto end = rest.find(kFieldSep);
    const std::string_view item = rest.substr(0, end);
    const auto colon = item.find(kKeySep);
    if (colon != std::string_view::npos) {
      std::string_view value = item.substr(colon + 1);
      const bool quoted = value.empty() || value.front() != kBareMarker;
      if (!quoted) {
        value.remove_prefix(1);
      }
      on_field(DecodedField{item.substr(0, colon), value, quoted});
    }
    if (end == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(end + 1);
  }
  return text;
}

std::tm utc_time(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  return parts;
}

int millis_of(std::chrono::system_clock::time_point when) {
  const auto since_epoch = when.time_since_epoch();
  return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count() % 1000);
}

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string line;
    line.reserve(msg.payload.size() + 64);
    const std::tm t = utc_time(msg.time);
    std::array<char, 32> stamp{};
    const auto n = std::strftime(stamp.data(), stamp.size(), "%Y-%m-%dT%H:%M:%S", &t);
    line += R"({"ts":")";
    line.append(stamp.data(), n);
    line += fmt::format(".{:03d}Z\",\"level\":\"", millis_of(msg.time));
    const auto level = spdlog::level::to_string_view(msg.level);
    line.append(level.data(), level.size());
    line += R"(","msg":")";
    std::string fields;
    const std::string_view text =
        split_fields(std::string_view(msg.payload.data(), msg.payload.size()), [&](const DecodedField& f) {
          fields += ",\"";
          append_json_escaped(fields, f.key);
          fields += "\":";
          if (f.quoted) {
            fields += '"';
            append_json_escaped(fields, f.value);
            fields += '"';
          } else {
            fields += f.value;
          }
        });
    append_json_escaped(line, text);
    line += '"';
    line += fields;
    line += "}\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

class TextFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const std::tm t = utc_time(msg.time);
    std::string line = fmt::format("{:02d}:{:02d}:{:02d}.{:03d} {:<5} ", t.tm_hour, t.tm_min, t.tm_sec,
                                   millis_of(msg.time), spdlog::level::to_string_view(msg.level));
    std::string fields;
    const std::string_view text =
        split_fields(std::string_view(msg.payload.data(), msg.payload.size()), [&](const DecodedField& f) {
          fields += ' ';
          fields += f.key;
          fields += '=';
          const bool needs_quotes = f.value.find_first_of(" \t\"") != std::string_view::npos || f.value.empty();
          if (needs_quotes) {
            fields += '"';
            fields += f.value;
            fields += '"';
          } else {
            fields += f.value;
          }
        });
    line += text;
    line += fields;
    line += '\n';
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<TextFormatter>(); }
};

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::trace:
      return spdlog::level::trace;
    case Level::debug:
      return spdlog::level::debug;
    case Level::info:
      return spdlog::level::info;
    case Level::warn:
      return spdlog::level::warn;
    case Level::error:
      return spdlog::level::err;
    case Level::critical:
      return spdlog::level::critical;
    case Level::off:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

}  // namespace

Field::Field(std::string_view key_in, double value_in) : key(key_in), quoted(false) {
  if (std::isfinite(value_in)) {
    value = fmt::format("{:.6g}", value_in);
  } else {
    value = "null";
  }
}

Level parse_level(std::string_view name) {
  constexpr std::array<std::pair<std::string_view, Level>, 8> kNames{{{"trace", Level::trace},
                                                                      {"debug", Level::debug},
                                                                      {"info", Level::info},
                                                                      {"warn", Level::warn},
                                                                      {"warning", Level::warn},
                                                                      {"error", Level::error},
                                                                      {"critical", Level::critical},
                                                                      {"off", Level::off}}};
  for (const auto& [text, level] : kNames) {
    if (text == name) {
      return level;
    }
  }
  throw Error("unknown log level '" + std::string(name) + "'",
              "use one of trace, debug, info, warn, error, critical, off");
}

std::string_view level_name(Level level) {
  switch (level) {
    case Level::trace:
      return "trace";
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warn:
      return "warn";
    case Level::error:
      return "error";
    case Level::critical:
      return "critical";
    case Level::off:
      return "off";
  }
  return "info";
}

Format parse_format(std::string_view name) {
  if (name == "auto") {
    return Format::automatic;
  }
  if (name == "json") {
    return Format::json;
  }
  if (name == "text") {
    return Format::text;
  }
  throw Error("unknown log format '" + std::string(name) + "'", "use one of auto, json, text");
}

void init(Level level, Format format, std::ostream* output) {
  // Logs go to stderr for every command: stdout carries only a command's result (a transcript, one JSON
  // document), so `localvoice transcribe a.wav > out.txt` and `... --json | jq` see nothing else.
  const bool to_terminal = output == nullptr && isatty(STDERR_FILENO) != 0;
  const bool json = format == Format::json || (format == Format::automatic && !to_terminal);
  auto logger = spdlog::get("localvoice");
  if (!logger) {
    logger = spdlog::stderr_logger_mt("localvoice");
    spdlog::set_default_logger(logger);
  }
  if (output != nullptr) {
    logger->sinks() = {std::make_shared<spdlog::sinks::ostream_sink_mt>(*output)};
  } else if (logger->sinks().size() != 1 ||
             dynamic_cast<spdlog::sinks::stderr_sink_mt*>(logger->sinks().front().get()) == nullptr) {
    logger->sinks() = {std::make_shared<spdlog::sinks::stderr_sink_mt>()};
  }
  if (json) {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    logger->set_formatter(std::make_unique<TextFormatter>());
  }
  logger->set_level(to_spdlog(level));
  // Log lines must reach a pipe promptly (tests and supervisors read them as they come).
  logger->flush_on(spdlog::level::trace);
}

bool enabled(Level level) {
  if (!spdlog::get("localvoice")) {
    init(Level::info);
  }
  auto* logger = spdlog::default_logger_raw();
  return logger != nullptr && logger->should_log(to_spdlog(level));
}

void write(Level level, std::string_view message, std::initializer_list<Field> fields) {
  // Programs and tests that never called init() still get properly formatted lines.
  if (!spdlog::get("localvoice")) {
    init(Level::info);
  }
  auto* logger = spdlog::default_logger_raw();
  if (logger == nullptr || !logger->should_log(to_spdlog(level))) {
    return;
  }
  std::string payload(message);
  for (const Field& field : fields) {
    payload += kFieldSep;
    payload += field.key;
    payload += kKeySep;
    if (!field.quoted) {
      payload += kBareMarker;
    }
    payload += field.value;
  }
  logger->log(to_spdlog(level), std::string_view(payload));
}

void append_json_escaped(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out += c;
        }
    }
  }
}

}  // namespace lv::log
