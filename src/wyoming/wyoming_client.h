// A blocking Wyoming client: connects to tcp://HOST:PORT or unix:///path, writes events, reads them with timeouts.
#pragma once

#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "util/unique_fd.h"
#include "wyoming/wyoming_event.h"

namespace lv::wyoming {

// Where a Wyoming server listens.
struct ServerAddress {
  std::string host;         // TCP host name or address (IPv6 without brackets); empty for a Unix socket
  int port = 0;             // TCP port
  std::string socket_path;  // Unix socket path; empty for TCP

  bool is_unix() const { return !socket_path.empty(); }
  // "tcp://127.0.0.1:10300", "tcp://[::1]:10300", "unix:///run/wyoming.sock"
  std::string uri() const;
};

// Parses "tcp://HOST:PORT" or "unix:///path"; throws lv::Error naming what is wrong and showing both forms.
ServerAddress parse_server_address(std::string_view uri);

// The server of a "wyoming:" engine URL's spec: "//HOST:PORT" (wyoming://HOST:PORT) or "///path" (a Unix
// socket, wyoming:///run/piper.sock). Throws lv::Error showing both forms.
ServerAddress parse_engine_server(std::string_view spec);

// The message of a server's `error` event ({"text", "code"}): "code: text", or the text alone.
std::string error_event_text(const Event& event);

struct ClientOptions {
  int connect_timeout_ms = 3000;
  int write_timeout_ms = 10000;  // longest wait for the server to take more bytes
  // What the fix of a connection error suggests starting, e.g. "a Wyoming STT server (wyoming-faster-whisper)".
  std::string server_kind = "the Wyoming server";
  DecoderLimits limits;
};

// One connection. Not thread-safe: one caller at a time (writes and reads may alternate freely).
class WyomingClient {
 public:
  // Connects within options.connect_timeout_ms. Throws lv::Error naming the server: refused ("is ... running
  // at ...?"), unknown host, timeout.
  explicit WyomingClient(const ServerAddress& address, ClientOptions options = {});

  // Sends one event. Throws lv::Error when the server stopped reading or closed the connection.
  void write(const Event& event);

  // The next event, waiting up to timeout_ms; nullopt (early, within about 20 ms) when `stop` is requested.
  // Throws lv::Error when nothing came in time, the server closed the connection or sent malformed data;
  // `awaiting` ("the transcript") names what was expected, for the message.
  std::optional<Event> read(int timeout_ms, const std::stop_token& stop = {}, std::string_view awaiting = "an event");

  // An event the server already sent, without waiting; nullopt when none is complete yet (or the server closed
  // the connection: the next read() says so). Throws lv::Error for a broken connection or malformed data.
  std::optional<Event> read_ready(std::string_view awaiting = "an event");

  // Closes the connection now (a later write or read throws).
  void close() { fd_.reset(); }

  const std::string& uri() const { return uri_; }

 private:
  void wait_writable(int timeout_ms) const;
  std::optional<Event> take();  // the decoder's next event; malformed data closes the connection
  // Receives what the socket holds into the decoder; false when nothing was there (or the peer closed).
  bool receive(std::string_view awaiting);

  std::string uri_;
  ClientOptions options_;
  util::UniqueFd fd_;
  EventDecoder decoder_;
  bool peer_closed_ = false;
};

}  // namespace lv::wyoming
