// State shared by the server's connections: options, routes, metrics, the worker pool and the live set.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "metrics/registry.h"
#include "server/http_server.h"
#include "server/router.h"

namespace lv::server {

// Something the server must be able to wind down at shutdown (an HTTP or WebSocket connection).
class Connection {
 public:
  virtual ~Connection() = default;
  // Asks the connection to finish what it is doing and close. Thread-safe.
  virtual void shutdown() = 0;
};

// The set of open connections; holds weak references so a connection's lifetime stays its own.
class ConnectionSet {
 public:
  std::uint64_t add(const std::shared_ptr<Connection>& connection);
  void remove(std::uint64_t id);
  void shutdown_all();
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, std::weak_ptr<Connection>> connections_;
};

struct ServerState {
  ServerState(HttpServerOptions options_in, Router router_in, metrics::RegistryPtr metrics_in);

  // A new request id, "r" followed by a process-unique hex number.
  std::string next_request_id();

  HttpServerOptions options;
  Router router;
  metrics::RegistryPtr metrics;
  boost::asio::io_context io;
  boost::asio::thread_pool workers;
  ConnectionSet connections;
  std::atomic<bool> stopping{false};   // no new requests on kept-alive connections
  std::atomic<bool> abandoned{false};  // grace period over: streams stop accepting data
  std::atomic<std::size_t> active_websockets{0};
  std::atomic<std::uint64_t> request_counter{0};
  std::chrono::steady_clock::time_point started_at = std::chrono::steady_clock::now();
};

}  // namespace lv::server
