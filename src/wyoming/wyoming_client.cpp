#include "wyoming/wyoming_client.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <memory>

#include "util/error.h"

namespace lv::wyoming {

namespace {

using Clock = std::chrono::steady_clock;

// How often a blocked read wakes to look at its stop token.
constexpr int kStopPollMs = 20;

const char* const kUriForms = "write tcp://HOST:PORT (e.g. tcp://127.0.0.1:10300) or unix:///path/to/socket";

int ms_left(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::max<long long>(left, 0));
}

void set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL, 0);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    throw Error(std::string("cannot configure a socket: ") + std::strerror(errno), "check the system's limits");
  }
}

// Waits for a non-blocking connect to finish; returns 0 or the socket error (ETIMEDOUT when the time ran out).
int finish_connect(int fd, int timeout_ms) {
  pollfd waiter{fd, POLLOUT, 0};
  int ready = 0;
  do {
    ready = ::poll(&waiter, 1, timeout_ms);
  } while (ready < 0 && errno == EINTR);
  if (ready == 0) {
    return ETIMEDOUT;
  }
  if (ready < 0) {
    return errno;
  }
  int error = 0;
  socklen_t length = sizeof(error);
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) < 0) {
    return errno;
  }
  return error;
}

// A socket of `family` connecting to `address`; the error number when it failed.
struct Attempt {
  util::UniqueFd fd;
  int error = 0;
};

Attempt try_connect(int family, const sockaddr* address, socklen_t length, int timeout_ms) {
  Attempt attempt;
  attempt.fd.reset(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!attempt.fd) {
    attempt.error = errno;
    return attempt;
  }
  set_nonblocking(attempt.fd.get());
  if (::connect(attempt.fd.get(), address, length) == 0) {
    return attempt;
  }
  attempt.error = errno == EINPROGRESS || errno == EAGAIN ? finish_connect(attempt.fd.get(), timeout_ms) : errno;
  if (attempt.error != 0) {
    attempt.fd.reset();
  }
  return attempt;
}

struct AddrInfoDeleter {
  void operator()(addrinfo* list) const { ::freeaddrinfo(list); }
};

Error connect_error(const std::string& uri, int error, int timeout_ms, const std::string& server_kind) {
  const std::string running = "is " + server_kind + " running at " + uri + "? start it, or fix the URL";
  if (error == ETIMEDOUT) {
    return Error("cannot connect to Wyoming server " + uri + " within " + std::to_string(timeout_ms) + " ms",
                 "check the host and port, that " + server_kind + " is running there, and that no firewall drops it");
  }
  return Error("cannot connect to Wyoming server " + uri + ": " + std::strerror(error), running);
}

util::UniqueFd connect_tcp(const ServerAddress& address, const ClientOptions& options) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(address.port);
  const int status = ::getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found);
  if (status != 0) {
    throw Error("cannot resolve the Wyoming server host '" + address.host + "': " + ::gai_strerror(status),
                "check the host name in " + address.uri());
  }
  const std::unique_ptr<addrinfo, AddrInfoDeleter> list(found);
  const auto deadline = Clock::now() + std::chrono::milliseconds(options.connect_timeout_ms);
  int last_error = ECONNREFUSED;
  for (const addrinfo* entry = list.get(); entry != nullptr; entry = entry->ai_next) {
    auto attempt = try_connect(entry->ai_family, entry->ai_addr, entry->ai_addrlen, ms_left(deadline));
    if (attempt.fd) {
      const int on = 1;
      ::setsockopt(attempt.fd.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));  // small events go out at once
      return std::move(attempt.fd);
    }
    last_error = attempt.error;
    if (last_error == ETIMEDOUT || ms_left(deadline) == 0) {
      last_error = ETIMEDOUT;
      break;
    }
  }
  throw connect_error(address.uri(), last_error, options.connect_timeout_ms, options.server_kind);
}

util::UniqueFd connect_unix(const ServerAddress& address, const ClientOptions& options) {
  sockaddr_un target{};
  target.sun_family = AF_UNIX;
  if (address.socket_path.size() >= sizeof(target.sun_path)) {
    throw Error("the Wyoming socket path '" + address.socket_path + "' is too long",
                "use a path under " + std::to_string(sizeof(target.sun_path) - 1) + " bytes");
  }
  std::memcpy(target.sun_path, address.socket_path.c_str(), address.socket_path.size() + 1);
  auto attempt =
      try_connect(AF_UNIX, reinterpret_cast<const sockaddr*>(&target), sizeof(target), options.connect_timeout_ms);
  if (!attempt.fd) {
    throw connect_error(address.uri(), attempt.error, options.connect_timeout_ms, options.server_kind);
  }
  return std::move(attempt.fd);
}

int parse_port(std::string_view text, std::string_view uri) {
  int port = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, port);
  if (text.empty() || ec != std::errc() || ptr != end || port < 1 || port > 65535) {
    throw Error("Wyoming server URI '" + std::string(uri) + "' has an invalid port '" + std::string(text) + "'",
                "use a port from 1 to 65535; " + std::string(kUriForms));
  }
  return port;
}

}  // namespace

std::string ServerAddress::uri() const {
  if (is_unix()) {
    return "unix://" + socket_path;
  }
  const bool v6 = host.find(':') != std::string::npos;
  return "tcp://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

ServerAddress parse_server_address(std::string_view uri) {
  ServerAddress address;
  if (uri.starts_with("unix://")) {
    address.socket_path = std::string(uri.substr(7));
    if (address.socket_path.empty()) {
      throw Error("Wyoming server URI '" + std::string(uri) + "' names no socket", kUriForms);
    }
    return address;
  }
  if (!uri.starts_with("tcp://")) {
    throw Error("Wyoming server URI '" + std::string(uri) + "' is neither tcp:// nor unix://", kUriForms);
  }
  std::string_view rest = uri.substr(6);
  if (!rest.empty() && rest.back() == '/') {
    rest.remove_suffix(1);
  }
  std::size_t colon = std::string_view::npos;
  if (rest.starts_with("[")) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':') {
      throw Error("Wyoming server URI '" + std::string(uri) + "' has a malformed IPv6 address",
                  "write e.g. tcp://[::1]:10300");
    }
    address.host = std::string(rest.substr(1, close - 1));
    colon = close + 1;
  } else {
    colon = rest.rfind(':');
    if (colon == std::string_view::npos) {
      throw Error("Wyoming server URI '" + std::string(uri) + "' has no port", kUriForms);
    }
    address.host = std::string(rest.substr(0, colon));
  }
  if (address.host.empty()) {
    throw Error("Wyoming server URI '" + std::string(uri) + "' has no host", kUriForms);
  }
  address.port = parse_port(rest.substr(colon + 1), uri);
  return address;
}

ServerAddress parse_engine_server(std::string_view spec) {
  if (spec.starts_with("///")) {
    return parse_server_address("unix://" + std::string(spec.substr(2)));
  }
  if (!spec.starts_with("//")) {
    throw Error("a Wyoming engine URL names its server as wyoming://HOST:PORT, got '" + std::string(spec) + "'",
                "write e.g. wyoming://127.0.0.1:10300, or wyoming:///run/wyoming.sock for a Unix socket");
  }
  return parse_server_address("tcp:" + std::string(spec));
}

std::string error_event_text(const Event& event) {
  const auto found = event.data.find("text");
  std::string text = found != event.data.end() && found->is_string() ? found->get<std::string>() : "(no message)";
  const auto code = event.data.find("code");
  if (code != event.data.end() && code->is_string() && !code->get<std::string>().empty()) {
    return code->get<std::string>() + ": " + text;
  }
  return text;
}

WyomingClient::WyomingClient(const ServerAddress& address, ClientOptions options)
    : uri_(address.uri()), options_(std::move(options)), decoder_(options_.limits) {
  fd_ = address.is_unix() ? connect_unix(address, options_) : connect_tcp(address, options_);
}

void WyomingClient::wait_writable(int timeout_ms) const {
  pollfd waiter{fd_.get(), POLLOUT, 0};
  int ready = 0;
  do {
    ready = ::poll(&waiter, 1, timeout_ms);
  } while (ready < 0 && errno == EINTR);
  if (ready == 0) {
    throw Error("Wyoming server " + uri_ + " stopped reading: nothing sent for " + std::to_string(timeout_ms) + " ms",
                "the server is stuck or overloaded; check its log");
  }
}

void WyomingClient::write(const Event& event) {
  if (!fd_) {
    throw Error("the connection to Wyoming server " + uri_ + " is closed", "reconnect to the server");
  }
  const std::string bytes = encode(event);
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t written = ::send(fd_.get(), bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (written > 0) {
      sent += static_cast<std::size_t>(written);
      continue;
    }
    if (written < 0 && errno == EINTR) {
      continue;
    }
    if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      wait_writable(options_.write_timeout_ms);
      continue;
    }
    throw Error("Wyoming server " + uri_ + " closed the connection while " + event.type + " was sent (" +
                    std::strerror(errno) + ")",
                "check the server's log: it may have rejected the request or crashed");
  }
}

std::optional<Event> WyomingClient::take() {
  try {
    return decoder_.next();
  } catch (const Error& e) {
    fd_.reset();
    throw Error("Wyoming server " + uri_ + " sent malformed data: " + e.what(),
                "check that " + uri_ + " is a Wyoming server (not HTTP or another protocol)");
  }
}

bool WyomingClient::receive(std::string_view awaiting) {
  std::array<char, 64 * 1024> buffer{};
  while (true) {
    const ssize_t received = ::recv(fd_.get(), buffer.data(), buffer.size(), 0);
    if (received == 0) {
      peer_closed_ = true;
      return false;
    }
    if (received < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return false;
      }
      throw Error("the connection to Wyoming server " + uri_ + " broke while waiting for " + std::string(awaiting) +
                      ": " + std::strerror(errno),
                  "check the server's log and the network");
    }
    try {
      decoder_.feed(std::string_view(buffer.data(), static_cast<std::size_t>(received)));
    } catch (const Error& e) {
      fd_.reset();
      throw Error("Wyoming server " + uri_ + " sent malformed data: " + e.what(),
                  "check that " + uri_ + " is a Wyoming server (not HTTP or another protocol)");
    }
    return true;
  }
}

std::optional<Event> WyomingClient::read_ready(std::string_view awaiting) {
  if (auto ready = take()) {
    return ready;
  }
  if (!fd_) {
    throw Error("the connection to Wyoming server " + uri_ + " is closed", "reconnect to the server");
  }
  while (!peer_closed_ && receive(awaiting)) {
    if (auto event = take()) {
      return event;
    }
  }
  return std::nullopt;
}

std::optional<Event> WyomingClient::read(int timeout_ms, const std::stop_token& stop, std::string_view awaiting) {
  if (auto ready = take()) {
    return ready;
  }
  if (!fd_) {
    throw Error("the connection to Wyoming server " + uri_ + " is closed", "reconnect to the server");
  }
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    if (peer_closed_) {
      throw Error("Wyoming server " + uri_ + " closed the connection before sending " + std::string(awaiting),
                  "check the server's log: it may have failed on this request or crashed");
    }
    if (stop.stop_requested()) {
      return std::nullopt;
    }
    const int left_ms = ms_left(deadline);
    if (left_ms == 0) {
      throw Error("Wyoming server " + uri_ + " did not send " + std::string(awaiting) + " within " +
                      std::to_string(timeout_ms) + " ms",
                  "the server accepted the connection but does not answer; check that it is not stuck or overloaded, "
                  "or raise timeout_ms");
    }
    pollfd waiter{fd_.get(), POLLIN, 0};
    if (::poll(&waiter, 1, std::min(left_ms, kStopPollMs)) <= 0) {
      continue;  // a slice passed (or EINTR): look at the stop token and the deadline again
    }
    if (receive(awaiting)) {
      if (auto event = take()) {
        return event;
      }
    }
  }
}

}  // namespace lv::wyoming
