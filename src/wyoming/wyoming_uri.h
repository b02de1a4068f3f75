// Wyoming endpoints as URIs: tcp://HOST:PORT and unix:///path (the forms the reference tools use).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lv::wyoming {

struct WyomingUri {
  enum class Kind { tcp, unix_socket };
  Kind kind = Kind::tcp;
  std::string host;        // tcp: an address or name, IPv6 without brackets
  std::uint16_t port = 0;  // tcp: 0 picks a free port when listening
  std::string path;        // unix: the socket file

  // The URI again, with `port` in place of the written one (the bound port of a tcp://HOST:0).
  std::string text() const;
  bool is_loopback() const;  // unix sockets, 127.0.0.0/8, ::1 and localhost
};

// Parses "tcp://127.0.0.1:10300", "tcp://[::1]:10300", "unix:///run/localvoice.sock"; throws lv::Error naming
// what is wrong and the accepted forms.
WyomingUri parse_uri(std::string_view uri);

}  // namespace lv::wyoming
