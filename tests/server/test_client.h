// Minimal blocking HTTP and WebSocket clients (Beast) for talking to a test server on 127.0.0.1.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace lv::test {

namespace http = boost::beast::http;

struct ClientResponse {
  int status = 0;
  std::string body;
  http::fields headers;
  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : std::string(it->value());
  }
};

// One request on a new connection.
inline ClientResponse http_call(std::uint16_t port, http::verb method, const std::string& target,
                                const std::string& body = {},
                                const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  boost::asio::io_context io;
  boost::beast::tcp_stream stream(io);
  stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) {
    req.set(name, value);
  }
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  if (method == http::verb::head) {
    parser.skip(true);
  }
  http::read(stream, buffer, parser);
  ClientResponse out;
  out.status = static_cast<int>(parser.get().result_int());
  out.body = parser.get().body();
  out.headers = parser.get().base();
  boost::beast::error_code ignored;
  stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  return out;
}

inline ClientResponse http_get(std::uint16_t port, const std::string& target) {
  return http_call(port, http::verb::get, target);
}

// Sends raw bytes and returns everything the server answers until it closes (or 2 s pass).
inline std::string raw_exchange(std::uint16_t port, const std::string& bytes) {
  boost::asio::io_context io;
  boost::beast::tcp_stream stream(io);
  stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  boost::asio::write(stream, boost::asio::buffer(bytes));
  std::string out;
  char buffer[4096];
  stream.expires_after(std::chrono::seconds(2));
  for (;;) {
    boost::beast::error_code ec;
    const auto n = stream.read_some(boost::asio::buffer(buffer), ec);
    out.append(buffer, n);
    if (ec) {
      break;
    }
  }
  return out;
}

class WsClient {
 public:
  explicit WsClient(std::uint16_t port, const std::string& path = "/v1/realtime") : ws_(io_) {
    auto& socket = boost::beast::get_lowest_layer(ws_);
    socket.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    ws_.handshake("127.0.0.1:" + std::to_string(port), path);
  }
  void send_text(const std::string& text) {
    ws_.text(true);
    ws_.write(boost::asio::buffer(text));
  }
  void send_binary(const std::string& data) {
    ws_.binary(true);
    ws_.write(boost::asio::buffer(data));
  }
  // Reads one message; throws boost::system::system_error when the connection closes.
  std::string read() {
    boost::beast::flat_buffer buffer;
    ws_.read(buffer);
    return boost::beast::buffers_to_string(buffer.data());
  }
  // Reads until the server closes; returns the close code it sent (0 when none).
  int read_until_closed() {
    try {
      for (;;) {
        (void)read();
      }
    } catch (const boost::system::system_error&) {
    }
    return ws_.reason().code;
  }
  boost::beast::websocket::stream<boost::beast::tcp_stream>& stream() { return ws_; }

 private:
  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
};

}  // namespace lv::test
