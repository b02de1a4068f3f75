// One HTTP/1.1 connection: reads requests, routes them, writes responses; hands WebSocket upgrades over.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <memory>
#include <string>

#include "server/server_state.h"

namespace lv::server {

class HttpConnection final : public Connection, public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(ServerState& state, boost::asio::ip::tcp::socket socket);

  // Serves requests until the client closes, an error occurs or the server shuts down.
  boost::asio::awaitable<void> run();
  void shutdown() override;

 private:
  using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;
  // One request and what it led to.
  struct Exchange {
    HttpRequest request;
    HttpResponse response;
    std::string route = "unmatched";  // the metrics label: the route pattern, "static" or "unmatched"
    bool close_after = false;
  };
  // After reading and routing: write the response, close without one, or the WebSocket took the socket.
  enum class Next { respond, close, handed_over };
  enum class BodyRead { complete, too_large, failed };

  // Step 1, read: the next request's header (false: the connection is done; a malformed one got a 400).
  boost::asio::awaitable<bool> read_header(boost::beast::flat_buffer& buffer, RequestParser& parser);
  HttpRequest make_request(const RequestParser::value_type& message) const;
  // Step 2, route: the target, a WebSocket upgrade, the body within the route's limit, then the handler.
  boost::asio::awaitable<Next> read_and_route(boost::beast::flat_buffer& buffer, RequestParser& parser,
                                              Exchange& exchange);
  boost::asio::awaitable<BodyRead> read_body(boost::beast::flat_buffer& buffer, RequestParser& parser,
                                             Exchange& exchange, std::size_t body_limit);
  boost::asio::awaitable<HttpResponse> dispatch(HttpRequest& request, const Router::Match& match, bool& static_hit);
  // Step 3, respond: true when the whole response was written.
  boost::asio::awaitable<bool> respond(Exchange& exchange);
  boost::asio::awaitable<bool> write_streamed(Exchange& exchange);
  boost::asio::awaitable<bool> write_whole(Exchange& exchange, bool head);

  void record(const HttpRequest& request, int status, const std::string& route, double elapsed_s);

  ServerState& state_;
  boost::beast::tcp_stream stream_;
  std::string remote_address_;
  std::uint64_t set_id_ = 0;
  bool busy_ = false;  // a request is being handled; touched only on the connection's strand
};

}  // namespace lv::server
