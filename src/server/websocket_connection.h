// One WebSocket connection: reads messages into its handler, writes queued messages one at a time.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <deque>
#include <memory>
#include <string>

#include "server/server_state.h"
#include "server/websocket_handler.h"

namespace lv::server {

class WebSocketConnection final : public Connection,
                                  public WebSocketChannel,
                                  public std::enable_shared_from_this<WebSocketConnection> {
 public:
  WebSocketConnection(ServerState& state, boost::asio::ip::tcp::socket socket, const WebSocketHandlerFactory& factory,
                      HttpRequest upgrade_request);
  ~WebSocketConnection() override;

  // Completes the handshake for `upgrade`, then reads until the connection ends.
  boost::asio::awaitable<void> run(boost::beast::http::request<boost::beast::http::string_body> upgrade);

  // Connection
  void shutdown() override;
  // WebSocketChannel
  void send_text(std::string message) override;
  void send_binary(std::string data) override;
  void close(CloseCode code, std::string reason) override;
  bool is_open() const override { return open_.load(); }
  const std::string& connection_id() const override { return upgrade_request_.request_id; }

 private:
  struct Outgoing {
    bool binary;
    std::string data;
  };
  static constexpr std::size_t kMaxQueuedBytes = std::size_t{16} << 20;

  void enqueue(Outgoing message);
  boost::asio::awaitable<void> write_loop();

  ServerState& state_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  const WebSocketHandlerFactory& factory_;
  HttpRequest upgrade_request_;
  WebSocketHandlerPtr handler_;
  std::atomic<bool> open_{false};
  // Touched only on the connection's strand:
  std::deque<Outgoing> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool close_requested_ = false;
  boost::beast::websocket::close_reason close_reason_;
  std::uint64_t set_id_ = 0;
};

}  // namespace lv::server
