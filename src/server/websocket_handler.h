// What a WebSocket endpoint implements (per connection), and the channel it uses to talk back.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "server/http_types.h"

namespace lv::server {

// Standard close codes (RFC 6455) used by the server.
enum class CloseCode : std::uint16_t {
  normal = 1000,
  going_away = 1001,  // server shutting down
  protocol_error = 1002,
  unsupported_data = 1003,
  policy_violation = 1008,  // abuse: flooding beyond limits
  message_too_big = 1009,
  internal_error = 1011,
};

// Sends to one client. Thread-safe: may be called from engine threads. Messages are queued and written one at
// a time in order; the queue is bounded, and a client that stops reading is disconnected rather than letting
// memory grow.
class WebSocketChannel {
 public:
  virtual ~WebSocketChannel() = default;
  virtual void send_text(std::string message) = 0;
  virtual void send_binary(std::string data) = 0;
  // Sends a close frame after the queued messages; no message is delivered to the handler afterwards.
  virtual void close(CloseCode code, std::string reason) = 0;
  virtual bool is_open() const = 0;
  virtual const std::string& connection_id() const = 0;
};

using WebSocketChannelPtr = std::shared_ptr<WebSocketChannel>;

// Receives one client's messages. Called on the connection's I/O strand, one call at a time: handlers must
// return quickly and hand heavy work to worker threads.
class WebSocketHandler {
 public:
  virtual ~WebSocketHandler() = default;
  virtual void on_open() {}
  virtual void on_text(std::string_view message) = 0;
  virtual void on_binary(std::string_view data) = 0;
  // The connection ended (either side closed, an error, or shutdown). Called exactly once.
  virtual void on_close() {}
};

using WebSocketHandlerPtr = std::unique_ptr<WebSocketHandler>;
// Creates the handler for a new connection from the upgrade request and the channel to the client.
using WebSocketHandlerFactory =
    std::function<WebSocketHandlerPtr(const HttpRequest& upgrade_request, WebSocketChannelPtr channel)>;

}  // namespace lv::server
