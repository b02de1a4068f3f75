#include "server/http_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <condition_variable>
#include <thread>
#include <vector>

#include "server/http_connection.h"
#include "server/server_state.h"
#include "util/error.h"
#include "util/log.h"
#include "util/version.h"

namespace lv::server {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::uint64_t ConnectionSet::add(const std::shared_ptr<Connection>& connection) {
  const std::lock_guard lock(mutex_);
  const std::uint64_t id = next_id_++;
  connections_.emplace(id, connection);
  return id;
}

void ConnectionSet::remove(std::uint64_t id) {
  const std::lock_guard lock(mutex_);
  connections_.erase(id);
}

void ConnectionSet::shutdown_all() {
  std::vector<std::shared_ptr<Connection>> live;
  {
    const std::lock_guard lock(mutex_);
    for (const auto& [id, weak] : connections_) {
      if (auto strong = weak.lock()) {
        live.push_back(std::move(strong));
      }
    }
  }
  for (const auto& connection : live) {
    connection->shutdown();
  }
}

std::size_t ConnectionSet::size() const {
  const std::lock_guard lock(mutex_);
  return connections_.size();
}

ServerState::ServerState(HttpServerOptions options_in, Router router_in, metrics::RegistryPtr metrics_in)
    : options(std::move(options_in)),
      router(std::move(router_in)),
      metrics(std::move(metrics_in)),
      workers(static_cast<std::size_t>(std::max(1, options.worker_threads))) {}

std::string ServerState::next_request_id() {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "r%llx", static_cast<unsigned long long>(++request_counter));
  return buffer;
}

struct HttpServer::Impl {
  Impl(HttpServerOptions options, Router router, metrics::RegistryPtr metrics)
      : state(std::move(options), std::move(router), std::move(metrics)), acceptor(state.io) {}

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] =
          co_await acceptor.async_accept(asio::make_strand(state.io), asio::as_tuple(asio::use_awaitable));
      if (ec) {
        if (state.stopping || ec == asio::error::operation_aborted) {
          co_return;
        }
        // Out of file descriptors and the like: keep serving the connections we have.
        log::warn("accept failed", {{"error", ec.message()}});
        continue;
      }
      const auto executor = socket.get_executor();
      auto connection = std::make_shared<HttpConnection>(state, std::move(socket));
      // The coroutine owns a reference to its connection for as long as it runs.
      asio::co_spawn(
          executor, [connection]() -> asio::awaitable<void> { co_await connection->run(); },
          [](const std::exception_ptr& error) {
            if (error) {
              try {
                std::rethrow_exception(error);
              } catch (const std::exception& e) {
                log::error("connection failed", {{"error", std::string(e.what())}});
              }
            }
          });
    }
  }

  ServerState state;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  std::uint16_t port = 0;
  std::mutex stop_mutex;
  std::condition_variable stopped_cv;
  bool started = false;
  bool stopped = false;
};

HttpServer::HttpServer(HttpServerOptions options, Router router, std::shared_ptr<metrics::Registry> metrics)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router), std::move(metrics))) {}

HttpServer::~HttpServer() { stop(); }

std::uint16_t HttpServer::start() {
  auto& state = impl_->state;
  const auto& options = state.options;
  boost::system::error_code ec;
  const std::string host = options.host == "localhost" ? "127.0.0.1" : options.host;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) {
    throw Error("cannot listen on '" + options.host + "': not an IP address",
                "set server.host (--host) to an address such as 127.0.0.1, ::1 or 0.0.0.0");
  }
  const tcp::endpoint endpoint(address, options.port);
  const std::string where = (address.is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(options.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    // Lets a restarted server bind while old connections sit in TIME_WAIT; on Linux it does not let two
    // servers share the port.
    acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    acceptor.bind(endpoint, ec);
  }
  if (ec == asio::error::address_in_use) {
    throw Error(where + " is already in use by another program",
                "stop that program, or choose another port with --port (server.port, LOCALVOICE_SERVER_PORT)");
  }
  if (ec == asio::error::access_denied) {
    throw Error("not allowed to listen on " + where, "use a port above 1023 with --port");
  }
  if (ec == boost::system::errc::address_not_available) {
    throw Error("cannot listen on " + where + ": no network interface has that address",
                "set --host to an address of this machine, e.g. 127.0.0.1");
  }
  if (ec) {
    throw Error("cannot listen on " + where + ": " + ec.message(), "check --host and --port");
  }
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw Error("cannot listen on " + where + ": " + ec.message(), "check --host and --port");
  }
  impl_->port = acceptor.local_endpoint().port();
  state.metrics->gauge("localvoice_build_info", "Build information", {{"version", kVersion}}).set(1);
  state.metrics->gauge("localvoice_active_sessions", "Open realtime (WebSocket) sessions").set(0);

  asio::co_spawn(acceptor.get_executor(), impl_->accept_loop(), asio::detached);
  const int io_threads = std::max(1, options.io_threads);
  for (int i = 0; i < io_threads; ++i) {
    impl_->threads.emplace_back([this] { impl_->state.io.run(); });
  }
  impl_->started = true;
  return impl_->port;
}

void HttpServer::stop() {
  {
    const std::lock_guard lock(impl_->stop_mutex);
    if (!impl_->started || impl_->stopped) {
      return;
    }
  }
  auto& state = impl_->state;
  if (!state.stopping.exchange(true)) {
    asio::post(impl_->acceptor.get_executor(), [this] {
      boost::system::error_code ignored;
      impl_->acceptor.close(ignored);
    });
    state.connections.shutdown_all();
    // Open sessions get the grace period to finish; whatever is left after it is cut off.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(state.options.shutdown_grace_ms);
    while (state.connections.size() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (state.connections.size() > 0) {
      log::warn("closing connections that did not finish within the grace period",
                {{"open_connections", state.connections.size()}, {"grace_ms", state.options.shutdown_grace_ms}});
    }
    state.abandoned = true;
    state.io.stop();
    for (auto& thread : impl_->threads) {
      if (thread.joinable() && thread.get_id() != std::this_thread::get_id()) {
        thread.join();
      }
    }
    state.workers.join();
    {
      const std::lock_guard lock(impl_->stop_mutex);
      impl_->stopped = true;
    }
    impl_->stopped_cv.notify_all();
  } else {
    wait();
  }
}

void HttpServer::wait() {
  std::unique_lock lock(impl_->stop_mutex);
  impl_->stopped_cv.wait(lock, [this] { return impl_->stopped || !impl_->started; });
}

std::uint16_t HttpServer::port() const { return impl_->port; }

Router& HttpServer::router() { return impl_->state.router; }

std::size_t HttpServer::active_websockets() const { return impl_->state.active_websockets.load(); }

}  // namespace lv::server
