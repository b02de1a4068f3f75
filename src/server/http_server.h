// The HTTP + WebSocket server: binds, runs the I/O threads and a worker pool, and shuts down gracefully.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "server/router.h"

namespace lv::metrics {
class Registry;
}

namespace lv::server {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0 picks a free port (tests)
  int io_threads = 2;
  int worker_threads = 2;  // runs handlers with RunsOn::worker
  std::size_t max_ws_message_bytes = std::size_t{1} << 20;
  std::filesystem::path web_root;  // static files; empty disables them
  int shutdown_grace_ms = 5000;
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, Router router, std::shared_ptr<metrics::Registry> metrics);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving on background threads; returns the bound port. Throws lv::Error when the
  // address is in use or cannot be bound (naming the address and the setting that changes it).
  std::uint16_t start();
  // Stops accepting, asks open connections to finish (WebSockets get close 1001), and after
  // shutdown_grace_ms closes whatever is left. Blocks until all threads have ended. Idempotent.
  void stop();
  // Blocks until stop() has completed (from another thread or a signal).
  void wait();

  std::uint16_t port() const;
  // The route table in use; routes may be added while the server runs.
  Router& router();
  std::size_t active_websockets() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lv::server
