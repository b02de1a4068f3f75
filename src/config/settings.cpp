#include "config/settings.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <string>
#include <system_error>

#include "engine/engine_url.h"
#include "util/error.h"
#include "util/log.h"
#include "util/text.h"

namespace lv::config {
namespace {

constexpr std::int64_t kMaxInt = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMaxThreads = 64;
constexpr std::int64_t kMaxGraceMs = 3'600'000;
constexpr std::int64_t kMaxTopK = 50;
constexpr std::int64_t kMaxChunkWords = 2000;
constexpr std::int64_t kMaxSessionMs = 10'000;  // the voice session's own limit for its timings
constexpr std::string_view kIntegerExample = "write digits only, e.g. 8080";
constexpr std::string_view kSizeExample = "write a number of bytes, or use KiB, MiB or GiB, e.g. 25MiB";

const std::string& text_of(const Value& value) { return std::get<std::string>(value); }
std::int64_t number_of(const Value& value) { return std::get<std::int64_t>(value); }
double decimal_of(const Value& value) { return std::get<double>(value); }

std::int64_t clamp_size(std::size_t size) {
  return size > static_cast<std::size_t>(kMaxInt) ? kMaxInt : static_cast<std::int64_t>(size);
}

void check_engine(const std::string& url) {
  if (!url.empty()) {
    engine::parse_engine_url(url);
  }
}

void check_log_level(const std::string& level) { log::parse_level(level); }

// A zone name the tools can load: a file under $TZDIR (default /usr/share/zoneinfo), or empty.
void check_time_zone(const std::string& zone) {
  if (zone.empty() || zone == "UTC") return;
  const char* dir = std::getenv("TZDIR");  // NOLINT(concurrency-mt-unsafe): read only
  const std::filesystem::path root = dir != nullptr && *dir != '\0' ? dir : "/usr/share/zoneinfo";
  std::error_code error;
  if (zone.front() == '/' || zone.find("..") != std::string::npos ||
      !std::filesystem::is_regular_file(root / zone, error)) {
    throw Error("'" + zone + "' is not a known time zone",
                "use a name from " + root.string() +
                    " such as Europe/Paris or America/New_York, or leave it empty "
                    "for the system's");
  }
}

// Comma-separated tool names: lower-case letters, digits, '_' and '.', e.g. "set_timer, cancel_timer".
void check_tool_list(const std::string& list) {
  for (const char c : list) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' || c == ',' ||
          c == ' ')) {
      throw Error("'" + list + "' is not a list of tool names",
                  "separate names with commas, e.g. \"set_timer, cancel_timer\" (`localvoice tools list` shows them)");
    }
  }
}
void check_log_format(const std::string& format) { log::parse_format(format); }

// Each comma-separated entry must be tcp://ADDRESS:PORT (an IP literal or localhost; IPv6 in brackets) or
// unix://PATH.
void check_wyoming_uris(const std::string& list) {
  const std::string fix =
      "use tcp://HOST:PORT (e.g. tcp://0.0.0.0:10300 for Home Assistant on the network) or "
      "unix:///path/to/socket; separate several with commas";
  std::size_t begin = 0;
  while (begin <= list.size()) {
    const std::size_t comma = std::min(list.find(',', begin), list.size());
    const std::string uri(util::trim(std::string_view(list).substr(begin, comma - begin)));
    begin = comma + 1;
    if (uri.empty()) continue;
    if (uri.rfind("unix://", 0) == 0 && uri.size() > 7) continue;
    if (uri.rfind("tcp://", 0) != 0) throw Error("'" + uri + "' is not a Wyoming URI", fix);
    const std::string rest = uri.substr(6);
    const auto colon = rest.rfind(':');
    if (colon == std::string::npos || colon == 0) throw Error("'" + uri + "' has no host and port", fix);
    std::string host = rest.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    check_host(host);
    const std::string port = rest.substr(colon + 1);
    unsigned value = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || error != std::errc{} || end != port.data() + port.size() || value > 65535) {
      throw Error("'" + uri + "' has no valid port (0 to 65535)", fix);
    }
  }
}

// Parses the leading digits of `text`; `rest` receives what follows them. Throws lv::Error.
// `noun` and `example` describe what was expected ("a whole number", "8080") for the error message.
std::int64_t parse_digits(std::string_view text, std::string_view& rest, std::string_view noun,
                          std::string_view example) {
  if (!text.empty() && text.front() == '-') {
    throw Error("'" + std::string(text) + "' is negative", "use a number of 0 or more");
  }
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error == std::errc::result_out_of_range) {
    throw Error("'" + std::string(text) + "' is too large", "use a smaller number");
  }
  if (error != std::errc{}) {
    throw Error("'" + std::string(text) + "' is not " + std::string(noun), std::string(example));
  }
  rest = std::string_view(end, static_cast<std::size_t>(text.data() + text.size() - end));
  return number;
}

// A setting's table entry; the lambdas below are the only code that knows where each key lives in Config.
constexpr std::array<Setting, 37> kSettings = {{
    {"server.host", ValueType::text, 0, 0, check_host, [](Config& c, const Value& v) { c.server.host = text_of(v); },
     [](const Config& c) -> Value { return c.server.host; }},
    {"server.port", ValueType::integer, 0, 65535, nullptr,
     [](Config& c, const Value& v) { c.server.port = static_cast<std::uint16_t>(number_of(v)); },
     [](const Config& c) -> Value { return std::int64_t{c.server.port}; }},
    {"server.web_root", ValueType::text, 0, 0, nullptr,
     [](Config& c, const Value& v) { c.server.web_root = text_of(v); },
     [](const Config& c) -> Value { return c.server.web_root; }},
    {"server.io_threads", ValueType::integer, 1, kMaxThreads, nullptr,
     [](Config& c, const Value& v) { c.server.io_threads = static_cast<int>(number_of(v)); },
     [](const Config& c) -> Value { return std::int64_t{c.server.io_threads}; }},
    {"server.worker_threads", ValueType::integer, 1, kMaxThreads, nullptr,
     [](Config& c, const Value& v) { c.server.worker_threads = static_cast<int>(number_of(v)); },
     [](const Config& c) -> Value { return std::int64_t{c.server.worker_threads}; }},
    {"server.max_ws_message_bytes", ValueType::size, 1, kMaxInt, nullptr,
     [](Config& c, const Value& v) { c.server.max_ws_message_bytes = static_cast<std::size_t>(number_of(v)); },
     [](const Config& c) -> Value { return clamp_size(c.server.max_ws_message_bytes); }},
    {"server.max_upload_bytes", ValueType::size, 1, kMaxInt, nullptr,
     [](Config& c, const Value& v) { c.server.max_upload_bytes = static_cast<std::size_t>(number_of(v)); },
     [](const Config& c) -> Value { return clamp_size(c.server.max_upload_bytes); }},
    {"server.shutdown_grace_ms", ValueType::integer, 0, kMaxGraceMs, nullptr,
     [](Config& c, const Value& v) { c.server.shutdown_grace_ms = static_cast<int>(number_of(v)); },
     [](const Config& c) -> Value { return std::int64_t{c.server.shutdown_grace_ms}; }},
    {"engines.vad", ValueType::text, 0, 0, check_engine, [](Config& c, const Value& v) { c.engines.vad = text_of(v); },
     [](const Config& c) -> Value { return c.engines.vad; }},
    {"engines.stt", ValueType::text, 0, 0, check_engine, [](Config& c, const Value& v) { c.engines.stt = text_of(v); },
     [](const Config& c) -> Value { return c.engines.stt; }},
    {"engines.tts", ValueType::text, 0, 0, check_engine, [](Config& c, const Value& v) { c.engines.tts = text_of(v); },
     [](const Config& c) -> Value { return c.engines.tts; }},
    {"engines.llm", ValueType::text, 0, 0, check_engine, [](Config& c, const Value& v) { c.engines.llm = text_of(v); },
     [](const Config& c) -> Value { return c.engines.llm; }},
    {"engines.embeddings", ValueType::text, 0, 0, check_engine,
     [](Config& c, const Value& v) { c.engines.embeddings = text_of(v); },
     [](const Config& c) -> Value { return c.engines.embeddings; }},
    {"paths.data_dir", ValueType::text, 0, 0, nullptr, [](Config& c, const Value& v) { c.paths.data_dir = text_of(v); },
     [](const Config& c) -> Value { return c.paths.data_dir.string(); }},
    {"paths.models_dir", ValueType::text, 0, 0, nullptr,
     [](Config& c, const Value& v) { c.paths.models_dir = text_of(v); },
     [](const Config& c) -> Value { return c.paths.models_dir.string(); }},
    {"paths.kb_dir", ValueType::text, 0, 0, nullptr, [](Config& c, const Value& v) { c.paths.kb_dir = text_of(v); },
     [](const Config& c) -> Value { return c.paths.kb_dir.string(); }},
    {"paths.catalog_file", ValueType::text, 0, 0, nullptr,
     [](Config& c, const Value& v) { c.paths.catalog_file = text_of(v); },
     [](const Config& c) -> Value { return c.paths.catalog_file.string(); }},
    {"kb.top_k", ValueType::integer, 1, kMaxTopK, nullptr,
     [](Config& c, const Value& v) { c.kb.top_k = static_cast<int>(number_of(v)); },
     [](const Config& c) -> Value { return std::int64_t{c.kb.top_k}; }},
    {"kb.min_score", ValueType::decimal, 0, 1, nullptr,
     [](Config& c, const Value& v) { c.kb.min_score = decimal_of(v); },
     [](const Config& c) -> Value { return c.kb.min_score; }},
    {"kb.chunk_words", ValueType::integer, 20, kMaxChunkWords, nullptr,
     [](Config& c, const Value& v) { c.kb.chunk_words = static_cast<int>(number_of(v)); },
     [](const Config& c) -> Value { return std::int64_t{c.kb.chunk_words}; }},
    {"kb.chunk_overlap_words", ValueType::integer, 0, kMaxChunkWords - 1, nullptr,
     [](Config& c, const Value& v) { c.kb.chunk_overlap_words = static_cast<int>(number_of(v)); },
     [](const Config& c) -> Value { return std::int64_t{c.kb.chunk_overlap_words}; }},
    {"kb.max_file_bytes", ValueType::size, 1, kMaxInt, nullptr,
     [](Config& c, const Value& v) { c.kb.max_file_bytes = static_cast<std::size_t>(number_of(v)); },
     [](const Config& c) -> Value { return clamp_size(c.kb.max_file_bytes); }},
    {"session.min_speech_ms", ValueType::integer, 0, kMaxSessionMs, nullptr,
     [](Config& c, const Value& v) { c.session.min_speech_ms = static_cast<int>(number_of(v)); },
     [](const Config& c) -> Value { return std::int64_t{c.session.min_speech_ms}; }},
    {"session.end_of_turn_silence_ms", ValueType::integer, 0, kMaxSessionMs, nullptr,
     [](Config& c, const Value& v) { c.session.end_of_turn_silence_ms = static_cast<int>(number_of(v)); },
     [](const Config& c) -> Value { return std::int64_t{c.session.end_of_turn_silence_ms}; }},
    {"session.min_interruption_ms", ValueType::integer, 0, kMaxSessionMs, nullptr,
     [](Config& c, const Value& v) { c.session.min_interruption_ms = static_cast<int>(number_of(v)); },
     [](const Config& c) -> Value { return std::int64_t{c.session.min_interruption_ms}; }},
    {"session.false_interruption_timeout_ms", ValueType::integer, 0, kMaxSessionMs, nullptr,
     [](Config& c, const Value& v) { c.session.false_interruption_timeout_ms = static_cast<int>(number_of(v)); },
     [](const Config& c) -> Value { return std::int64_t{c.session.false_interruption_timeout_ms}; }},
    {"session.playback_lead_ms", ValueType::integer, 0, kMaxSessionMs, nullptr,
     [](Config& c, const Value& v) { c.session.playback_lead_ms = static_cast<int>(number_of(v)); },
     [](const Config& c) -> Value { return std::int64_t{c.session.playback_lead_ms}; }},
    {"session.max_reply_tokens", ValueType::integer, 0, 100000, nullptr,
     [](Config& c, const Value& v) { c.session.max_reply_tokens = static_cast<int>(number_of(v)); },
     [](const Config& c) -> Value { return std::int64_t{c.session.max_reply_tokens}; }},
    {"session.system_prompt", ValueType::text, 0, 0, nullptr,
     [](Config& c, const Value& v) { c.session.system_prompt = text_of(v); },
     [](const Config& c) -> Value { return c.session.system_prompt; }},
    {"tools.time_zone", ValueType::text, 0, 0, check_time_zone,
     [](Config& c, const Value& v) { c.tools.time_zone = text_of(v); },
     [](const Config& c) -> Value { return c.tools.time_zone; }},
    {"tools.allow", ValueType::text, 0, 0, check_tool_list,
     [](Config& c, const Value& v) { c.tools.allow = text_of(v); },
     [](const Config& c) -> Value { return c.tools.allow; }},
    {"tools.confirm", ValueType::text, 0, 0, check_tool_list,
     [](Config& c, const Value& v) { c.tools.confirm = text_of(v); },
     [](const Config& c) -> Value { return c.tools.confirm; }},
    {"tools.deny", ValueType::text, 0, 0, check_tool_list, [](Config& c, const Value& v) { c.tools.deny = text_of(v); },
     [](const Config& c) -> Value { return c.tools.deny; }},
    {"tools.intents_file", ValueType::text, 0, 0, nullptr,
     [](Config& c, const Value& v) { c.tools.intents_file = text_of(v); },
     [](const Config& c) -> Value { return c.tools.intents_file; }},
    {"wyoming.uri", ValueType::text, 0, 0, check_wyoming_uris,
     [](Config& c, const Value& v) { c.wyoming.uri = text_of(v); },
     [](const Config& c) -> Value { return c.wyoming.uri; }},
    {"log.level", ValueType::text, 0, 0, check_log_level, [](Config& c, const Value& v) { c.log.level = text_of(v); },
     [](const Config& c) -> Value { return c.log.level; }},
    {"log.format", ValueType::text, 0, 0, check_log_format,
     [](Config& c, const Value& v) { c.log.format = text_of(v); },
     [](const Config& c) -> Value { return c.log.format; }},
}};

}  // namespace

std::span<const Setting> settings() { return kSettings; }

const Setting* find_setting(std::string_view key) {
  for (const Setting& setting : settings()) {
    if (setting.key == key) return &setting;
  }
  return nullptr;
}

Value parse_text(const Setting& setting, std::string_view text) {
  switch (setting.type) {
    case ValueType::text:
      return std::string(text);
    case ValueType::size:
      return parse_size(text);
    case ValueType::decimal:
      return parse_decimal(text);
    case ValueType::integer: {
      const std::string_view trimmed = util::trim(text);
      std::string_view rest;
      const std::int64_t number = parse_digits(trimmed, rest, "a whole number", kIntegerExample);
      if (!rest.empty()) {
        throw Error("'" + std::string(text) + "' is not a whole number", std::string(kIntegerExample));
      }
      return number;
    }
  }
  return std::string(text);
}

void check_value(const Setting& setting, const Value& value) {
  if (setting.type == ValueType::text) {
    if (setting.check_text != nullptr) setting.check_text(text_of(value));
    return;
  }
  if (setting.type == ValueType::decimal) {
    const double number = decimal_of(value);
    if (!(number >= static_cast<double>(setting.min) && number <= static_cast<double>(setting.max))) {
      throw Error(std::to_string(number) + " is out of range",
                  "use a number from " + std::to_string(setting.min) + " to " + std::to_string(setting.max));
    }
    return;
  }
  const std::int64_t number = number_of(value);
  if (number < 0) {
    throw Error(std::to_string(number) + " is negative", "use a number of " + std::to_string(setting.min) + " or more");
  }
  if (number < setting.min || number > setting.max) {
    std::string fix = setting.max == kMaxInt
                          ? "use a number of " + std::to_string(setting.min) + " or more"
                          : "use a number from " + std::to_string(setting.min) + " to " + std::to_string(setting.max);
    if (setting.key == "server.port") fix += " (0 picks a free port)";
    throw Error(std::to_string(number) + " is out of range", fix);
  }
}

double parse_decimal(std::string_view text) {
  const std::string trimmed(util::trim(text));
  double number = 0;
  const auto [end, error] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), number);
  if (trimmed.empty() || error != std::errc{} || end != trimmed.data() + trimmed.size() || !std::isfinite(number)) {
    throw Error("'" + std::string(text) + "' is not a decimal number", "write a number such as 0.15");
  }
  return number;
}

std::int64_t parse_size(std::string_view text) {
  const std::string_view trimmed = util::trim(text);
  std::string_view rest;
  const std::int64_t number = parse_digits(trimmed, rest, "a size", kSizeExample);
  const std::string_view unit = util::trim(rest);
  std::string unit_lower(unit);
  std::transform(unit_lower.begin(), unit_lower.end(), unit_lower.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
  int shift = 0;
  if (unit_lower.empty() || unit_lower == "b") {
    shift = 0;
  } else if (unit_lower == "kib") {
    shift = 10;
  } else if (unit_lower == "mib") {
    shift = 20;
  } else if (unit_lower == "gib") {
    shift = 30;
  } else {
    throw Error("'" + std::string(text) + "' is not a size", std::string(kSizeExample));
  }
  if (number > (kMaxInt >> shift)) {
    throw Error("'" + std::string(text) + "' is too large", "use a smaller size");
  }
  return number << shift;
}

void check_host(const std::string& host) {
  if (host == "localhost") return;
  std::array<unsigned char, 16> address{};
  if (inet_pton(AF_INET, host.c_str(), address.data()) == 1 || inet_pton(AF_INET6, host.c_str(), address.data()) == 1) {
    return;
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    throw Error("'" + host + "' has brackets", "write the IPv6 address without them, e.g. ::1");
  }
  throw Error("'" + host + "' is not an IP address",
              "use 127.0.0.1 (this machine only), 0.0.0.0 (every interface), ::1, :: or localhost");
}

}  // namespace lv::config
