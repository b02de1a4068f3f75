// The Wyoming server: listens on tcp:// and unix:// URIs, runs one connection object per client on its own I/O
// thread, and offers the given services to every client.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wyoming/wyoming_connection.h"
#include "wyoming/wyoming_service.h"
#include "wyoming/wyoming_uri.h"

namespace lv::wyoming {

struct WyomingServerOptions {
  std::vector<std::string> uris;  // tcp://HOST:PORT, unix:///path
  ConnectionLimits limits;
  int io_threads = 1;
  int shutdown_grace_ms = 1000;  // how long stop() lets connections finish writing
};

struct BoundEndpoint {
  WyomingUri uri;  // with the bound port
};

class WyomingServer {
 public:
  WyomingServer(WyomingServerOptions options, std::vector<WyomingServicePtr> services);
  ~WyomingServer();
  WyomingServer(const WyomingServer&) = delete;
  WyomingServer& operator=(const WyomingServer&) = delete;

  // Binds every URI and starts serving; logs one "wyoming listening" line per endpoint (with "port" for tcp).
  // Throws lv::Error naming the URI when one cannot be parsed or bound (nothing is left listening then).
  std::vector<BoundEndpoint> start();
  // Closes the listeners and every connection, then joins the threads; removes the socket files it made.
  // Idempotent.
  void stop();

  std::size_t open_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lv::wyoming
