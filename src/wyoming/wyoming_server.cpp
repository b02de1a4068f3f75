#include "wyoming/wyoming_server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "util/error.h"
#include "util/log.h"

namespace lv::wyoming {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using local = asio::local::stream_protocol;

namespace {

template <typename Socket>
std::string peer_of(const Socket& socket) {
  boost::system::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  return ec ? std::string("tcp client") : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

// A stale socket file of an earlier run is removed; anything else at the path is left alone (bind then fails).
void remove_stale_socket(const std::string& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) == 0 && S_ISSOCK(info.st_mode)) {
    ::unlink(path.c_str());
  }
}

}  // namespace

struct WyomingServer::Impl {
  Impl(WyomingServerOptions options_in, std::vector<WyomingServicePtr> services_in)
      : options(std::move(options_in)), services(std::move(services_in)) {}

  template <typename Acceptor, typename PeerName>
  asio::awaitable<void> accept_loop(Acceptor& acceptor, PeerName peer_name) {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(io), asio::as_tuple(asio::use_awaitable));
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) {
          co_return;
        }
        log::warn("Wyoming accept failed", {{"error", ec.message()}});
        continue;
      }
      std::string peer = peer_name(socket);
      auto connection = std::make_shared<WyomingConnection>(WyomingConnection::Socket(std::move(socket)),
                                                            std::move(peer), services, options.limits);
      const std::uint64_t id = add(connection);
      asio::co_spawn(
          connection->executor(), [connection]() -> asio::awaitable<void> { co_await connection->run(); },
          [this, id](const std::exception_ptr& error) {
            remove(id);
            if (error) {
              try {
                std::rethrow_exception(error);
              } catch (const std::exception& e) {
                log::error("Wyoming connection failed", {{"error", std::string(e.what())}});
              }
            }
          });
    }
  }

  std::uint64_t add(const WyomingConnectionPtr& connection) {
    const std::lock_guard lock(mutex);
    const std::uint64_t id = next_id++;
    connections.emplace(id, connection);
    return id;
  }
  void remove(std::uint64_t id) {
    const std::lock_guard lock(mutex);
    connections.erase(id);
  }

  void bind_tcp(const WyomingUri& uri, std::vector<BoundEndpoint>& bound) {
    boost::system::error_code ec;
    const std::string host = uri.host == "localhost" ? "127.0.0.1" : uri.host;
    const auto address = asio::ip::make_address(host, ec);
    if (ec) {
      throw Error("cannot listen on " + uri.text() + ": '" + uri.host + "' is not an IP address",
                  "use an address such as 127.0.0.1 or 0.0.0.0 in wyoming.uri (--wyoming)");
    }
    auto acceptor = std::make_unique<tcp::acceptor>(io);
    const tcp::endpoint endpoint(address, uri.port);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) {
      acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
      acceptor->bind(endpoint, ec);
    }
    if (!ec) {
      acceptor->listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
      const std::string fix = ec == asio::error::address_in_use
                                  ? "stop the program using that port (another Wyoming server?) or choose another "
                                    "port in wyoming.uri (--wyoming)"
                                  : "check the address and port in wyoming.uri (--wyoming)";
      throw Error("cannot listen on " + uri.text() + ": " + ec.message(), fix);
    }
    WyomingUri actual = uri;
    actual.port = acceptor->local_endpoint().port();
    bound.push_back(BoundEndpoint{actual});
    auto& ref = *acceptor;
    tcp_acceptors.push_back(std::move(acceptor));
    asio::co_spawn(io, accept_loop(ref, [](const auto& s) { return peer_of(s); }), asio::detached);
  }

  void bind_unix(const WyomingUri& uri, std::vector<BoundEndpoint>& bound) {
    remove_stale_socket(uri.path);
    auto acceptor = std::make_unique<local::acceptor>(io);
    boost::system::error_code ec;
    const local::endpoint endpoint(uri.path);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) {
      acceptor->bind(endpoint, ec);
    }
    if (!ec) {
      acceptor->listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
      throw Error("cannot listen on " + uri.text() + ": " + ec.message(),
                  "check that the folder exists and is writable, or choose another path in wyoming.uri");
    }
    socket_files.push_back(uri.path);
    bound.push_back(BoundEndpoint{uri});
    auto& ref = *acceptor;
    unix_acceptors.push_back(std::move(acceptor));
    const std::string peer = "unix client on " + uri.path;
    asio::co_spawn(io, accept_loop(ref, [peer](const auto& /*socket*/) { return std::string(peer); }), asio::detached);
  }

  void close_acceptors() {
    boost::system::error_code ignored;
    for (auto& acceptor : tcp_acceptors) {
      acceptor->close(ignored);
    }
    for (auto& acceptor : unix_acceptors) {
      acceptor->close(ignored);
    }
  }

  std::vector<WyomingConnectionPtr> live_connections() {
    std::vector<WyomingConnectionPtr> live;
    const std::lock_guard lock(mutex);
    for (const auto& [id, weak] : connections) {
      if (auto strong = weak.lock()) {
        live.push_back(std::move(strong));
      }
    }
    return live;
  }

  WyomingServerOptions options;
  std::vector<WyomingServicePtr> services;
  asio::io_context io;
  std::vector<std::unique_ptr<tcp::acceptor>> tcp_acceptors;
  std::vector<std::unique_ptr<local::acceptor>> unix_acceptors;
  std::vector<std::string> socket_files;
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  bool started = false;
  bool stopped = false;
  mutable std::mutex mutex;
  std::map<std::uint64_t, std::weak_ptr<WyomingConnection>> connections;
  std::uint64_t next_id = 1;
};

WyomingServer::WyomingServer(WyomingServerOptions options, std::vector<WyomingServicePtr> services)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(services))) {}

WyomingServer::~WyomingServer() { stop(); }

std::vector<BoundEndpoint> WyomingServer::start() {
  std::vector<BoundEndpoint> bound;
  try {
    for (const auto& text : impl_->options.uris) {
      const WyomingUri uri = parse_uri(text);
      if (uri.kind == WyomingUri::Kind::tcp) {
        impl_->bind_tcp(uri, bound);
      } else {
        impl_->bind_unix(uri, bound);
      }
    }
  } catch (...) {
    impl_->close_acceptors();
    for (const auto& path : impl_->socket_files) {
      ::unlink(path.c_str());
    }
    impl_->socket_files.clear();
    throw;
  }
  for (const auto& endpoint : bound) {
    if (endpoint.uri.kind == WyomingUri::Kind::tcp) {
      log::info("wyoming listening", {{"uri", endpoint.uri.text()}, {"port", unsigned{endpoint.uri.port}}});
      if (!endpoint.uri.is_loopback()) {
        log::warn(
            "the Wyoming protocol has no authentication: anyone who can reach this address can use the "
            "speech engines",
            {{"uri", endpoint.uri.text()},
             {"fix",
              "bind to 127.0.0.1 when only this machine needs it, or firewall the port to Home "
              "Assistant's address"}});
      }
    } else {
      log::info("wyoming listening", {{"uri", endpoint.uri.text()}, {"path", endpoint.uri.path}});
    }
  }
  const int threads = std::max(1, impl_->options.io_threads);
  for (int i = 0; i < threads; ++i) {
    impl_->threads.emplace_back([this] { impl_->io.run(); });
  }
  impl_->started = true;
  return bound;
}

void WyomingServer::stop() {
  if (!impl_->started || impl_->stopped) {
    return;
  }
  impl_->stopped = true;
  impl_->stopping = true;
  asio::post(impl_->io, [this] { impl_->close_acceptors(); });
  for (const auto& connection : impl_->live_connections()) {
    connection->shutdown();
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(impl_->options.shutdown_grace_ms);
  while (open_connections() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  impl_->io.stop();
  for (auto& thread : impl_->threads) {
    if (thread.joinable()) {
      thread.join();
    }
  }
  for (const auto& path : impl_->socket_files) {
    ::unlink(path.c_str());
  }
}

std::size_t WyomingServer::open_connections() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->connections.size();
}

}  // namespace lv::wyoming
