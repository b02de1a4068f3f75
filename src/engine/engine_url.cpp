#include "engine/engine_url.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <exception>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "util/error.h"
#include "util/text.h"

namespace lv::engine {
namespace {

constexpr std::string_view kFormHint =
    "write it as KIND:SPEC?name=value, e.g. 'whisper:base.en', 'flite:slt' or "
    "'openai:http://localhost:8000/v1?model=NAME'";

// Parameter names whose values are secrets; compared without regard to case.
constexpr std::array<std::string_view, 6> kSecretParams = {"key", "api_key", "apikey", "token", "password", "secret"};

bool is_lower_alpha(char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_scheme_char(char c) { return is_lower_alpha(c) || is_digit(c) || c == '_' || c == '+' || c == '.' || c == '-'; }
bool is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && util::ascii_lower(text.substr(0, prefix.size())) == prefix;
}

bool is_secret_param(std::string_view name) {
  const std::string name_lower = util::ascii_lower(name);
  return std::find(kSecretParams.begin(), kSecretParams.end(), name_lower) != kSecretParams.end();
}

std::string hex_byte(unsigned char byte) {
  constexpr std::string_view kDigits = "0123456789ABCDEF";
  return {kDigits[byte >> 4U], kDigits[byte & 0x0FU]};
}

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The URL as it may appear in an error message: control characters escaped, secret parameters hidden.
std::string shown(std::string_view text) {
  std::string visible;
  for (const char c : text) {
    if (is_control(c)) {
      visible += "\\x" + hex_byte(static_cast<unsigned char>(c));
    } else {
      visible += c;
    }
  }
  const auto query_at = visible.find('?');
  if (query_at == std::string::npos) {
    return "'" + visible + "'";
  }
  std::string out = visible.substr(0, query_at + 1);
  std::string_view query = std::string_view(visible).substr(query_at + 1);
  bool first = true;
  while (true) {
    const auto amp = query.find('&');
    const std::string_view segment = query.substr(0, amp);
    if (!first) out += '&';
    first = false;
    const auto eq = segment.find('=');
    if (eq != std::string_view::npos && is_secret_param(segment.substr(0, eq))) {
      out += std::string(segment.substr(0, eq)) + "=***";
    } else {
      out += segment;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return "'" + out + "'";
}

// A URL without "KIND:": the registered engines' guess, when there is one, becomes the suggested fix.
[[noreturn]] void fail_missing_kind(std::string_view text, const SchemeGuess& guess) {
  const std::string scheme = guess ? guess(text) : std::string();
  if (!scheme.empty() && scheme == text) {
    throw Error("engine URL " + shown(text) + " has no ':' after the engine kind",
                "did you mean '" + std::string(text) + ":'?");
  }
  if (!scheme.empty()) {
    throw Error("engine URL " + shown(text) + " does not say which engine to use",
                "did you mean '" + scheme + ":" + std::string(text) + "'?");
  }
  throw Error("engine URL " + shown(text) + " does not say which engine to use", std::string(kFormHint));
}

std::string percent_decode(std::string_view raw, std::string_view part, std::string_view text) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '%') {
      out += raw[i];
      continue;
    }
    const int high = i + 1 < raw.size() ? hex_value(raw[i + 1]) : -1;
    const int low = i + 2 < raw.size() ? hex_value(raw[i + 2]) : -1;
    if (high < 0 || low < 0) {
      throw Error("engine URL " + shown(text) + " has an invalid percent escape '" + std::string(raw.substr(i, 3)) +
                      "' in its " + std::string(part),
                  "an escape is '%' and two hex digits; write a literal '%' as '%25'");
    }
    const char decoded = static_cast<char>((high << 4) | low);
    if (is_control(decoded)) {
      throw Error("engine URL " + shown(text) + " encodes a control character ('" + std::string(raw.substr(i, 3)) +
                      "') in its " + std::string(part),
                  "remove it; engine URLs may not contain control characters");
    }
    out += decoded;
    i += 2;
  }
  return out;
}

// Checks the authority of an http(s) spec: a host must be present and a port, if given, must be valid.
void check_server_url(const std::string& spec, std::string_view text) {
  const std::size_t prefix = starts_with_nocase(spec, "https://") ? 8 : 7;
  const std::string_view rest = std::string_view(spec).substr(prefix);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  const auto at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);

  std::string_view host;
  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      throw Error("engine URL " + shown(text) + " has an unclosed '[' in its server address",
                  "write an IPv6 server as 'http://[::1]:8000/v1'");
    }
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        throw Error("engine URL " + shown(text) + " has unexpected text after ']' in its server address",
                    "write an IPv6 server as 'http://[::1]:8000/v1'");
      }
      has_port = true;
      port = after.substr(1);
    }
  } else {
    const auto colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port = authority.substr(colon + 1);
    }
  }
  if (host.empty()) {
    throw Error("engine URL " + shown(text) + " has a server URL without a host",
                "name the server, e.g. 'openai:http://localhost:8000/v1?model=NAME'");
  }
  if (has_port) {
    const bool digits = !port.empty() && port.size() <= 5 && std::all_of(port.begin(), port.end(), is_digit);
    const long number = digits ? std::stol(std::string(port)) : 0;
    if (!digits || number < 1 || number > 65535) {
      throw Error("engine URL " + shown(text) + " has an invalid server port '" + std::string(port) + "'",
                  "use a port from 1 to 65535, e.g. 'http://localhost:8000/v1'");
    }
  }
}

void check_spec(const std::string& spec, std::string_view text) {
  if (starts_with_nocase(spec, "http://") || starts_with_nocase(spec, "https://")) {
    check_server_url(spec, text);
    return;
  }
  if (starts_with_nocase(spec, "http:") || starts_with_nocase(spec, "https:")) {
    throw Error("engine URL " + shown(text) + " has a malformed server URL",
                "a server URL starts with 'http://' or 'https://', e.g. 'openai:http://localhost:8000/v1'");
  }
  const auto sep = spec.find("://");
  if (sep != std::string::npos && sep > 0 &&
      std::all_of(spec.begin(), spec.begin() + static_cast<std::ptrdiff_t>(sep), is_lower_alpha)) {
    throw Error("engine URL " + shown(text) + " uses an unsupported server protocol '" + spec.substr(0, sep) + "'",
                "remote engines are reached over 'http://' or 'https://'");
  }
}

std::map<std::string, std::string> parse_params(std::string_view query, std::string_view text) {
  std::map<std::string, std::string> params;
  if (query.empty()) return params;
  while (true) {
    const auto amp = query.find('&');
    const std::string_view segment = query.substr(0, amp);
    if (segment.empty()) {
      throw Error("engine URL " + shown(text) + " has an empty parameter (a stray '&' or '?')",
                  "write parameters as '?name=value&name2=value2'");
    }
    const auto eq = segment.find('=');
    std::string key = percent_decode(segment.substr(0, eq), "parameter names", text);
    std::string value =
        eq == std::string_view::npos ? std::string() : percent_decode(segment.substr(eq + 1), "parameters", text);
    if (key.empty()) {
      throw Error("engine URL " + shown(text) + " has a parameter without a name",
                  "write parameters as '?name=value', e.g. '?model=NAME'");
    }
    if (params.count(key) != 0) {
      throw Error("engine URL " + shown(text) + " sets the parameter '" + key + "' twice",
                  "keep only one '" + key + "=...'");
    }
    params.emplace(std::move(key), std::move(value));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return params;
}

// Escapes the characters that would change how a composed URL parses back.
std::string percent_encode(std::string_view text, std::string_view reserved) {
  std::string out;
  for (const char c : text) {
    if (c == '%' || is_control(c) || reserved.find(c) != std::string_view::npos) {
      out += "%" + hex_byte(static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out;
}

// "http://user:secret@host" -> "http://user:***@host".
std::string redact_userinfo(const std::string& spec) {
  const std::size_t prefix = starts_with_nocase(spec, "https://") ? 8 : 7;
  const auto authority_end = spec.find_first_of("/?#", prefix);
  const auto at = spec.rfind('@', authority_end == std::string::npos ? std::string::npos : authority_end);
  if (at == std::string::npos || at < prefix) return spec;
  const auto colon = spec.find(':', prefix);
  if (colon == std::string::npos || colon > at) return spec;
  return spec.substr(0, colon + 1) + "***" + spec.substr(at);
}

}  // namespace

std::string_view kind_name(EngineKind kind) {
  switch (kind) {
    case EngineKind::vad:
      return "vad";
    case EngineKind::stt:
      return "stt";
    case EngineKind::tts:
      return "tts";
    case EngineKind::llm:
      return "llm";
    case EngineKind::embeddings:
      return "embeddings";
    case EngineKind::wake:
      return "wake";
  }
  return "unknown";
}

std::string_view kind_label(EngineKind kind) {
  switch (kind) {
    case EngineKind::vad:
      return "Voice detection";
    case EngineKind::stt:
      return "Speech recognition";
    case EngineKind::tts:
      return "Spoken replies";
    case EngineKind::llm:
      return "Language model";
    case EngineKind::embeddings:
      return "Document search";
    case EngineKind::wake:
      return "Wake word";
  }
  return "Engine";
}

bool EngineUrl::is_http() const { return starts_with_nocase(spec, "http://") || starts_with_nocase(spec, "https://"); }

bool EngineUrl::is_path() const {
  return spec.rfind('/', 0) == 0 || spec.rfind("./", 0) == 0 || spec.rfind("../", 0) == 0 || spec.rfind("~/", 0) == 0;
}

std::optional<std::string> EngineUrl::param(std::string_view key) const {
  const auto it = params.find(std::string(key));
  if (it == params.end()) return std::nullopt;
  return it->second;
}

std::string EngineUrl::redacted() const {
  std::string out = scheme + ":" + percent_encode(is_http() ? redact_userinfo(spec) : spec, "?");
  char separator = '?';
  for (const auto& [name, value] : params) {
    out += separator;
    separator = '&';
    out += percent_encode(name, "&=");
    out += '=';
    out += is_secret_param(name) ? std::string("***") : percent_encode(value, "&");
  }
  return out;
}

EngineUrl parse_engine_url(std::string_view text, const SchemeGuess& guess) {
  text = util::trim(text);
  if (text.empty()) {
    throw Error("engine URL is empty", std::string(kFormHint));
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_control(text[i])) {
      throw Error("engine URL " + shown(text) + " contains a control character at position " + std::to_string(i + 1),
                  "remove it; write special characters as %XX escapes");
    }
  }

  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    fail_missing_kind(text, guess);
  }
  const std::string_view scheme = text.substr(0, colon);
  const std::string_view rest = text.substr(colon + 1);
  if ((scheme == "http" || scheme == "https") && rest.rfind("//", 0) == 0) {
    const std::string remote = guess ? guess(text) : std::string();
    throw Error("engine URL " + shown(text) + " names a server but not the engine that talks to it",
                remote.empty() ? std::string(kFormHint) : "did you mean '" + remote + ":" + std::string(text) + "'?");
  }
  if (scheme.find('/') != std::string_view::npos || scheme.find('.') == 0) {
    fail_missing_kind(text, guess);
  }
  if (scheme.empty()) {
    throw Error("engine URL " + shown(text) + " has no engine kind before ':'", std::string(kFormHint));
  }
  if (!is_lower_alpha(scheme.front()) || !std::all_of(scheme.begin(), scheme.end(), is_scheme_char)) {
    const std::string scheme_lower = util::ascii_lower(scheme);
    const bool only_case =
        is_lower_alpha(scheme_lower.front()) && std::all_of(scheme_lower.begin(), scheme_lower.end(), is_scheme_char);
    if (only_case) {
      throw Error("engine kind '" + std::string(scheme) + "' in " + shown(text) + " must be lower-case",
                  "did you mean '" + scheme_lower + ":" + std::string(rest) + "'?");
    }
    throw Error("engine kind '" + std::string(scheme) + "' in " + shown(text) + " is not valid",
                "an engine kind starts with a letter and uses only a-z, 0-9, '_', '+', '.', '-', e.g. "
                "'whisper:base.en'");
  }

  EngineUrl url;
  url.text = std::string(text);
  url.scheme = std::string(scheme);
  const auto query_at = rest.find('?');
  url.spec = percent_decode(rest.substr(0, query_at), "spec", text);
  check_spec(url.spec, text);
  if (query_at != std::string_view::npos) {
    url.params = parse_params(rest.substr(query_at + 1), text);
  }
  return url;
}

void reject_unknown_params(const EngineUrl& url, const std::set<std::string>& known) {
  for (const auto& [key, value] : url.params) {
    if (known.count(key) == 0) {
      std::string list;
      for (const auto& name : known) {
        list += (list.empty() ? "" : ", ") + name;
      }
      throw Error("unknown parameter '" + key + "' in engine URL '" + url.redacted() + "'",
                  "the " + url.scheme + ": engine understands: " + list);
    }
  }
}

int int_param(const EngineUrl& url, const std::string& key, int fallback, int min_value, int max_value) {
  const auto text = url.param(key);
  if (!text) {
    return fallback;
  }
  try {
    std::size_t used = 0;
    const long value = std::stol(*text, &used);
    if (used == text->size() && value >= min_value && value <= max_value) {
      return static_cast<int>(value);
    }
  } catch (const std::exception&) {
    // Not a number: reported below like an out-of-range one.
  }
  throw Error("bad value '" + *text + "' for " + key + " in engine URL '" + url.redacted() + "'",
              key + " must be a whole number from " + std::to_string(min_value) + " to " + std::to_string(max_value));
}

}  // namespace lv::engine
