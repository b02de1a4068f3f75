// A small threaded HTTP/1.1 server on 127.0.0.1 (port 0) whose handlers script replies, streams, drops and stalls.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace lv::test {

using FixtureHeaders = std::vector<std::pair<std::string, std::string>>;

struct FixtureRequest {
  std::string method;
  std::string target;      // as sent: "/path?query"
  std::string path;        // "/path"
  std::string query;       // "query" (without '?')
  FixtureHeaders headers;  // names lower-cased
  std::string body;

  // Case-insensitive header lookup.
  std::optional<std::string> header(std::string_view name) const;
};

// How a streamed body is delimited.
enum class Framing { chunked, close_delimited, content_length };

class FixtureServerState;

// Writes one response on one connection. Every call after the client went away (or after drop()) is a no-op
// that returns false, so handlers can stream without checking errors.
class FixtureResponder {
 public:
  FixtureResponder(int socket_fd, const FixtureRequest& request, FixtureServerState& state);

  // A complete response with Content-Length.
  bool send(int status, std::string_view body, const FixtureHeaders& headers = {},
            std::string_view content_type = "text/plain");
  // Serves a file, honouring "Range: bytes=N-" / "bytes=N-M" (206, or 416 when N is past the end).
  bool send_file(const std::filesystem::path& file, const FixtureHeaders& headers = {});

  // Starts a streamed response; then write() pieces and end(). `content_length` is used with Framing::content_length.
  bool begin(int status, const FixtureHeaders& headers = {}, Framing framing = Framing::chunked,
             std::uint64_t content_length = 0);
  bool write(std::string_view data);
  bool end();

  // Drops the connection after this many more body bytes (the rest of a write is not sent).
  void drop_after_body_bytes(std::uint64_t count) { drop_after_ = count; }
  // Closes the connection now, mid-response or before any response.
  void drop();
  // Sleeps, returning early (false) when the server stops.
  bool sleep_ms(int duration_ms);
  // Blocks until the server stops: a server that accepted the request and never answers.
  void stall();

  bool connected() const { return socket_fd_ >= 0; }
  std::uint64_t body_bytes_sent() const { return body_bytes_sent_; }

 private:
  bool write_raw(std::string_view data);
  bool write_body(std::string_view data);
  std::string status_block(int status, const FixtureHeaders& headers) const;

  int socket_fd_;
  const FixtureRequest& request_;
  FixtureServerState& state_;
  Framing framing_ = Framing::chunked;
  bool head_only_ = false;
  std::uint64_t body_bytes_sent_ = 0;
  std::optional<std::uint64_t> drop_after_;
};

using FixtureHandler = std::function<void(const FixtureRequest&, FixtureResponder&)>;

// Shared between the server object and its connection threads.
class FixtureServerState {
 public:
  bool stopping() const { return stopping_.load(); }
  // Waits up to `duration_ms` (forever when negative); false when the server stopped meanwhile.
  bool wait_ms(int duration_ms);
  void add_body_bytes(std::uint64_t count) { body_bytes_sent_ += count; }

 private:
  friend class FixtureHttpServer;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> body_bytes_sent_{0};
  std::mutex mutex_;
  std::condition_variable stopped_;
};

class FixtureHttpServer {
 public:
  // Binds 127.0.0.1 on a free port and starts accepting. Unknown paths get 404.
  FixtureHttpServer();
  ~FixtureHttpServer();
  FixtureHttpServer(const FixtureHttpServer&) = delete;
  FixtureHttpServer& operator=(const FixtureHttpServer&) = delete;

  // Routes requests for `path` to `handler`. A path ending in '*' matches every path with that prefix
  // (longest prefix wins; exact paths first). Handlers run on the connection's own thread.
  void on(const std::string& path, FixtureHandler handler);

  std::uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT" + path.
  std::string url(std::string_view path = "") const;

  // Requests received so far (all paths, or one exact path).
  std::size_t request_count() const;
  std::size_t request_count(std::string_view path) const;
  std::vector<FixtureRequest> requests() const;
  // Response body bytes written to clients so far (all requests).
  std::uint64_t body_bytes_sent() const { return state_.body_bytes_sent_.load(); }

  // Stops accepting, wakes stalled/sleeping handlers, closes connections and joins threads. Idempotent.
  void stop();

 private:
  void accept_loop();
  void serve_connection(int socket_fd);
  FixtureHandler find_handler(const std::string& path) const;

  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  FixtureServerState state_;
  mutable std::mutex mutex_;
  std::map<std::string, FixtureHandler> handlers_;
  std::vector<FixtureRequest> requests_;
  std::vector<int> open_sockets_;
  std::vector<std::thread> connection_threads_;
  std::thread accept_thread_;
};

}  // namespace lv::test
