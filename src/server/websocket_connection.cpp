#include "server/websocket_connection.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include "util/log.h"
#include "util/version.h"

namespace lv::server {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {
const auto kTuple = asio::as_tuple(asio::use_awaitable);
}

WebSocketConnection::WebSocketConnection(ServerState& state, asio::ip::tcp::socket socket,
                                         const WebSocketHandlerFactory& factory, HttpRequest upgrade_request)
    : state_(state), ws_(std::move(socket)), factory_(factory), upgrade_request_(std::move(upgrade_request)) {}

WebSocketConnection::~WebSocketConnection() = default;

asio::awaitable<void> WebSocketConnection::run(beast::http::request<beast::http::string_body> upgrade) {
  set_id_ = state_.connections.add(shared_from_this());
  struct Cleanup {
    WebSocketConnection& self;
    ~Cleanup() {
      self.open_ = false;
      self.state_.connections.remove(self.set_id_);
    }
  } cleanup{*this};

  beast::get_lowest_layer(ws_).expires_never();
  // Server-side defaults: handshake and idle timeouts, with keep-alive pings to idle clients.
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
    res.set(beast::http::field::server, std::string("localvoice/") + kVersion);
  }));
  ws_.read_message_max(state_.options.max_ws_message_bytes);
  ws_.auto_fragment(false);
  auto [accept_ec] = co_await ws_.async_accept(upgrade, kTuple);
  if (accept_ec) {
    log::warn("websocket handshake failed",
              {{"connection_id", upgrade_request_.request_id}, {"error", accept_ec.message()}});
    co_return;
  }
  open_ = true;
  ++state_.active_websockets;
  auto& gauge = state_.metrics->gauge("localvoice_active_sessions", "Open realtime (WebSocket) sessions");
  gauge.add(1);
  log::info("websocket opened", {{"connection_id", upgrade_request_.request_id},
                                 {"path", upgrade_request_.path},
                                 {"remote", upgrade_request_.remote_address}});

  try {
    handler_ = factory_(upgrade_request_, shared_from_this());
    if (handler_) {
      handler_->on_open();
    }
  } catch (const std::exception& e) {
    log::error("websocket handler failed to start",
               {{"connection_id", upgrade_request_.request_id}, {"error", std::string(e.what())}});
    close(CloseCode::internal_error, "session could not start");
  }

  beast::flat_buffer buffer;
  std::string close_cause = "client closed";
  while (handler_) {
    auto [read_ec, n] = co_await ws_.async_read(buffer, kTuple);
    (void)n;
    if (read_ec) {
      if (read_ec == websocket::error::message_too_big) {
        // Beast has already answered with close code 1009; the log says why.
        close_cause = "message larger than " + std::to_string(state_.options.max_ws_message_bytes) + " bytes";
      } else if (read_ec != websocket::error::closed) {
        close_cause = read_ec.message();
      }
      break;
    }
    const std::string message = beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    if (close_requested_) {
      continue;  // after a close request the handler hears nothing more
    }
    try {
      if (ws_.got_text()) {
        handler_->on_text(message);
      } else {
        handler_->on_binary(message);
      }
    } catch (const std::exception& e) {
      log::error("websocket handler error",
                 {{"connection_id", upgrade_request_.request_id}, {"error", std::string(e.what())}});
      close(CloseCode::internal_error, "internal error");
    }
  }
  open_ = false;
  if (handler_) {
    try {
      handler_->on_close();
    } catch (const std::exception& e) {
      log::error("websocket handler error on close",
                 {{"connection_id", upgrade_request_.request_id}, {"error", std::string(e.what())}});
    }
  }
  // The handler may hold our channel; dropping it here breaks that cycle.
  handler_.reset();
  --state_.active_websockets;
  gauge.add(-1);
  log::info("websocket closed", {{"connection_id", upgrade_request_.request_id}, {"reason", close_cause}});
}

void WebSocketConnection::shutdown() { close(CloseCode::going_away, "server shutting down"); }

void WebSocketConnection::send_text(std::string message) { enqueue({false, std::move(message)}); }

void WebSocketConnection::send_binary(std::string data) { enqueue({true, std::move(data)}); }

void WebSocketConnection::enqueue(Outgoing message) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), message = std::move(message)]() mutable {
    if (!self->open_ || self->close_requested_) {
      return;
    }
    self->queued_bytes_ += message.data.size();
    if (self->queued_bytes_ > kMaxQueuedBytes) {
      // A client that stops reading must not make the server's memory grow without bound.
      log::warn("websocket client is not reading; disconnecting",
                {{"connection_id", self->upgrade_request_.request_id}, {"queued_bytes", self->queued_bytes_}});
      self->queue_.clear();
      self->queued_bytes_ = 0;
      self->close_requested_ = true;
      self->close_reason_ = websocket::close_reason(websocket::close_code::policy_error, "client too slow");
    } else {
      self->queue_.push_back(std::move(message));
    }
    if (!self->writing_) {
      self->writing_ = true;
      asio::co_spawn(self->ws_.get_executor(), self->write_loop(), asio::detached);
    }
  });
}

void WebSocketConnection::close(CloseCode code, std::string reason) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)]() mutable {
    if (!self->open_ || self->close_requested_) {
      return;
    }
    self->close_requested_ = true;
    self->close_reason_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    if (!self->writing_) {
      self->writing_ = true;
      asio::co_spawn(self->ws_.get_executor(), self->write_loop(), asio::detached);
    }
  });
}

asio::awaitable<void> WebSocketConnection::write_loop() {
  auto self = shared_from_this();
  // One write in flight per socket: this loop is the only writer, and it runs on the connection's strand.
  while (!queue_.empty()) {
    Outgoing& next = queue_.front();
    ws_.binary(next.binary);
    auto [ec, n] = co_await ws_.async_write(asio::buffer(next.data), kTuple);
    (void)n;
    queued_bytes_ -= std::min(queued_bytes_, next.data.size());
    queue_.pop_front();
    if (ec) {
      queue_.clear();
      queued_bytes_ = 0;
      writing_ = false;
      co_return;
    }
  }
  if (close_requested_ && ws_.is_open()) {
    auto [ec] = co_await ws_.async_close(close_reason_, kTuple);
    (void)ec;
  }
  writing_ = false;
}

}  // namespace lv::server
