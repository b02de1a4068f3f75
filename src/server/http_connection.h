// One HTTP/1.1 connection: reads requests, routes them, writes responses; hands WebSocket upgrades over.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <memory>

#include "server/server_state.h"

namespace lv::server {

class HttpConnection final : public Connection, public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(ServerState& state, boost::asio::ip::tcp::socket socket);

  // Serves requests until the client closes, an error occurs or the server shuts down.
  boost::asio::awaitable<void> run();
  void shutdown() override;

 private:
  void record(const HttpRequest& request, int status, const std::string& route, double elapsed_s);

  ServerState& state_;
  boost::beast::tcp_stream stream_;
  std::string remote_address_;
  std::uint64_t set_id_ = 0;
  bool busy_ = false;  // a request is being handled; touched only on the connection's strand
};

}  // namespace lv::server
