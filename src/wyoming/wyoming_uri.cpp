#include "wyoming/wyoming_uri.h"

#include <charconv>
#include <string>

#include "util/error.h"

namespace lv::wyoming {
namespace {

constexpr std::string_view kForms = "use tcp://HOST:PORT (e.g. tcp://0.0.0.0:10300) or unix:///path/to/socket";

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

}  // namespace

std::string WyomingUri::text() const {
  if (kind == Kind::unix_socket) {
    return "unix://" + path;
  }
  const bool v6 = host.find(':') != std::string::npos;
  return "tcp://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool WyomingUri::is_loopback() const {
  return kind == Kind::unix_socket || host == "localhost" || host == "::1" || starts_with(host, "127.");
}

WyomingUri parse_uri(std::string_view uri) {
  const std::string quoted = "'" + std::string(uri) + "'";
  WyomingUri out;
  if (starts_with(uri, "unix://")) {
    out.kind = WyomingUri::Kind::unix_socket;
    out.path = std::string(uri.substr(7));
    if (out.path.empty()) {
      throw Error(quoted + " names no socket file", std::string(kForms));
    }
    return out;
  }
  if (!starts_with(uri, "tcp://")) {
    throw Error(quoted + " is not a Wyoming URI", std::string(kForms));
  }
  std::string_view rest = uri.substr(6);
  std::string_view host;
  std::string_view port;
  if (starts_with(rest, "[")) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos || rest.substr(close + 1, 1) != ":") {
      throw Error(quoted + " has no port after the IPv6 address", "write it as tcp://[::1]:10300");
    }
    host = rest.substr(1, close - 1);
    port = rest.substr(close + 2);
  } else {
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) {
      throw Error(quoted + " has no port", std::string(kForms));
    }
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      throw Error(quoted + " has an IPv6 address without brackets", "write it as tcp://[::1]:10300");
    }
  }
  if (host.empty() || host.find('/') != std::string_view::npos) {
    throw Error(quoted + " has no host", std::string(kForms));
  }
  unsigned value = 0;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || error != std::errc{} || end != port.data() + port.size() || value > 65535) {
    throw Error(quoted + " has no valid port (0 to 65535)", std::string(kForms));
  }
  out.host = std::string(host);
  out.port = static_cast<std::uint16_t>(value);
  return out;
}

}  // namespace lv::wyoming
