#include "server/http_connection.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <chrono>

#include "server/chunk_stream.h"
#include "server/static_files.h"
#include "server/url_codec.h"
#include "server/websocket_connection.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/text.h"
#include "util/version.h"

namespace lv::server {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(60);
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr std::size_t kDefaultBodyLimit = std::size_t{1} << 20;
constexpr std::size_t kHeaderLimit = 16 * 1024;

const auto kTuple = asio::as_tuple(asio::use_awaitable);

HttpRequest to_request(const http::request_parser<http::string_body>::value_type& message) {
  HttpRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    const std::string name(field.name_string());
    request.headers.emplace_back(util::ascii_lower(name), std::string(field.value()));
  }
  return request;
}

// A sane client-supplied request id is kept so logs can be correlated across services.
bool usable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) {
    return false;
  }
  for (const char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

std::string route_label(const Router::Match& match, bool static_hit) {
  if (match.route != nullptr) {
    return match.route->pattern;
  }
  return static_hit ? "static" : "unmatched";
}

}  // namespace

void HttpConnection::record(const HttpRequest& request, int status, const std::string& route, double elapsed_s) {
  state_.metrics
      ->counter("localvoice_http_requests_total", "HTTP requests by method, route and status",
                {{"method", request.method}, {"route", route}, {"status", std::to_string(status)}})
      .inc();
  state_.metrics
      ->histogram("localvoice_http_request_duration_seconds", "Time to handle an HTTP request", {{"route", route}})
      .observe(elapsed_s);
  log::info("http request", {{"request_id", request.request_id},
                             {"method", request.method},
                             {"path", request.path},
                             {"status", status},
                             {"duration_ms", elapsed_s * 1000.0}});
}

HttpConnection::HttpConnection(ServerState& state, asio::ip::tcp::socket socket)
    : state_(state), stream_(std::move(socket)) {
  beast::error_code ec;
  const auto endpoint = stream_.socket().remote_endpoint(ec);
  remote_address_ = ec ? "unknown" : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

void HttpConnection::shutdown() {
  // An idle keep-alive connection is closed now; a busy one closes after its current response.
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    if (!self->busy_) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
      self->stream_.socket().close(ignored);
    }
  });
}

asio::awaitable<void> HttpConnection::run() {
  set_id_ = state_.connections.add(shared_from_this());
  struct Unregister {
    ServerState& state;
    std::uint64_t id;
    ~Unregister() { state.connections.remove(id); }
  } unregister{state_, set_id_};

  beast::flat_buffer buffer;
  while (!state_.stopping) {
    RequestParser parser;
    if (!co_await read_header(buffer, parser)) {
      break;
    }
    busy_ = true;
    const auto started = util::SteadyClock::now();
    Exchange exchange;
    exchange.request = make_request(parser.get());
    exchange.close_after = !parser.get().keep_alive() || state_.stopping;
    const Next next = co_await read_and_route(buffer, parser, exchange);
    if (next == Next::handed_over) {
      co_return;
    }
    if (next == Next::close) {
      break;
    }
    // Recorded before the response goes out, so a client that reads /metrics next always sees its request.
    record(exchange.request, exchange.response.status, exchange.route, util::seconds_since(started));
    const bool written = co_await respond(exchange);
    busy_ = false;
    if (!written || exchange.close_after) {
      break;
    }
  }
  beast::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

asio::awaitable<bool> HttpConnection::read_header(beast::flat_buffer& buffer, RequestParser& parser) {
  parser.header_limit(kHeaderLimit);
  // The body limit depends on the route, known only once the header is in: no limit while reading it
  // (the declared length is checked against the route's limit in read_body, before any body byte is read).
  parser.body_limit(boost::none);
  stream_.expires_after(kIdleTimeout);
  auto [read_ec, header_bytes] = co_await http::async_read_header(stream_, buffer, parser, kTuple);
  (void)header_bytes;
  if (!read_ec) {
    co_return true;
  }
  const bool parse_error = read_ec.category() == http::make_error_code(http::error::bad_target).category() &&
                           read_ec != http::error::end_of_stream && read_ec != http::error::partial_message;
  if (parse_error) {
    // A malformed request line or header: answer 400 once, then close.
    http::response<http::string_body> bad{http::status::bad_request, 11};
    bad.set(http::field::content_type, "application/json");
    bad.body() = error_response(400, "malformed HTTP request: " + read_ec.message(), "invalid_request_error").body;
    bad.keep_alive(false);
    bad.prepare_payload();
    co_await http::async_write(stream_, bad, kTuple);
  }
  co_return false;
}

HttpRequest HttpConnection::make_request(const RequestParser::value_type& message) const {
  HttpRequest request = to_request(message);
  request.remote_address = remote_address_;
  const auto client_id = request.header("x-request-id");
  request.request_id = client_id && usable_request_id(*client_id) ? *client_id : state_.next_request_id();
  return request;
}

asio::awaitable<HttpConnection::Next> HttpConnection::read_and_route(beast::flat_buffer& buffer, RequestParser& parser,
                                                                     Exchange& exchange) {
  HttpRequest& request = exchange.request;
  const auto target = parse_target(request.target);
  if (!target) {
    exchange.response =
        error_response(400, "malformed request target '" + request.target + "'", "invalid_request_error");
    exchange.close_after = true;
    co_return Next::respond;
  }
  request.path = target->path;
  request.query = target->query;

  if (beast::websocket::is_upgrade(parser.get())) {
    if (const auto* factory = state_.router.websocket(request.path); factory != nullptr) {
      auto [body_ec, body_bytes] = co_await http::async_read(stream_, buffer, parser, kTuple);
      (void)body_bytes;
      if (body_ec) {
        co_return Next::close;
      }
      log::debug("websocket upgrade", {{"request_id", request.request_id}, {"path", request.path}});
      auto ws = std::make_shared<WebSocketConnection>(state_, stream_.release_socket(), *factory, std::move(request));
      co_await ws->run(parser.release());
      co_return Next::handed_over;
    }
  }

  const Router::Match match = state_.router.match(request.method, request.path);
  exchange.route = route_label(match, false);
  const std::size_t body_limit = match.route != nullptr ? match.route->options.max_body_bytes : kDefaultBodyLimit;
  const BodyRead body = co_await read_body(buffer, parser, exchange, body_limit);
  if (body == BodyRead::failed) {
    co_return Next::close;
  }
  if (body == BodyRead::complete) {
    bool static_hit = false;
    exchange.response = co_await dispatch(request, match, static_hit);
    exchange.route = route_label(match, static_hit);
  }
  co_return Next::respond;
}

asio::awaitable<HttpConnection::BodyRead> HttpConnection::read_body(beast::flat_buffer& buffer, RequestParser& parser,
                                                                    Exchange& exchange, std::size_t body_limit) {
  const std::string& path = exchange.request.path;
  const auto declared = parser.content_length();
  if (declared && *declared > body_limit) {
    exchange.response = error_response(413,
                                       "request body of " + std::to_string(*declared) + " bytes exceeds the limit of " +
                                           std::to_string(body_limit) + " bytes for " + path,
                                       "invalid_request_error", "request_too_large");
    exchange.close_after = true;  // the body was not read, so the connection cannot be reused
    co_return BodyRead::too_large;
  }
  parser.body_limit(body_limit);
  if (const auto expect = exchange.request.header("expect"); expect && *expect == "100-continue") {
    http::response<http::empty_body> go_on{http::status::continue_, 11};
    co_await http::async_write(stream_, go_on, kTuple);
  }
  auto [body_ec, body_bytes] = co_await http::async_read(stream_, buffer, parser, kTuple);
  (void)body_bytes;
  if (body_ec == http::error::body_limit) {
    exchange.response =
        error_response(413, "request body exceeds the limit of " + std::to_string(body_limit) + " bytes for " + path,
                       "invalid_request_error", "request_too_large");
    exchange.close_after = true;
    co_return BodyRead::too_large;
  }
  if (body_ec) {
    co_return BodyRead::failed;
  }
  exchange.request.body = std::move(parser.get().body());
  co_return BodyRead::complete;
}

asio::awaitable<HttpResponse> HttpConnection::dispatch(HttpRequest& request, const Router::Match& match,
                                                       bool& static_hit) {
  if (match.route != nullptr) {
    request.path_params = match.path_params;
    const Route& route = *match.route;
    if (route.options.runs_on == RunsOn::io_thread) {
      co_return Router::invoke(route, request);
    }
    // Handlers may block or compute: they run on the worker pool, never on this I/O thread.
    co_return co_await asio::co_spawn(
        state_.workers,
        [&route, &request]() -> asio::awaitable<HttpResponse> { co_return Router::invoke(route, request); },
        asio::use_awaitable);
  }
  if (auto file = serve_static_file(state_.options.web_root, request)) {
    static_hit = true;
    co_return std::move(*file);
  }
  if (state_.router.websocket(request.path) != nullptr) {
    HttpResponse response =
        error_response(426, request.path + " is a WebSocket endpoint; connect with a WebSocket client",
                       "invalid_request_error", "upgrade_required");
    response.headers.emplace_back("Upgrade", "websocket");
    co_return response;
  }
  if (match.path_known) {
    co_return error_response(405, "method " + request.method + " is not allowed on " + request.path,
                             "invalid_request_error", "method_not_allowed");
  }
  co_return error_response(404, "no such endpoint or file: " + request.path, "invalid_request_error", "not_found");
}

asio::awaitable<bool> HttpConnection::respond(Exchange& exchange) {
  stream_.expires_after(kWriteTimeout);
  const bool head = exchange.request.method == "HEAD";
  if (exchange.response.stream && !head) {
    co_return co_await write_streamed(exchange);
  }
  co_return co_await write_whole(exchange, head);
}

asio::awaitable<bool> HttpConnection::write_streamed(Exchange& exchange) {
  HttpResponse& response = exchange.response;
  http::response<http::empty_body> res{static_cast<http::status>(response.status), 11};
  res.set(http::field::server, std::string("localvoice/") + kVersion);
  res.set(http::field::content_type, response.content_type);
  res.set("X-Request-Id", exchange.request.request_id);
  for (const auto& [name, value] : response.headers) {
    res.set(name, value);
  }
  res.chunked(true);
  res.keep_alive(!exchange.close_after);
  http::response_serializer<http::empty_body> serializer{res};
  auto [head_ec, head_bytes] = co_await http::async_write_header(stream_, serializer, kTuple);
  (void)head_bytes;
  auto chunks = std::make_shared<ChunkStream>(stream_.get_executor(), state_.abandoned);
  asio::post(state_.workers, [chunks, producer = std::move(response.stream), id = exchange.request.request_id] {
    try {
      producer(*chunks);
    } catch (const std::exception& e) {
      log::error("streamed response failed", {{"request_id", id}, {"error", std::string(e.what())}});
    }
    chunks->finish();
  });
  bool written = !head_ec;
  while (written) {
    bool finished = false;
    auto chunk = chunks->try_pop(finished);
    if (chunk) {
      // Streams can run long (a spoken reply); each chunk gets its own write deadline.
      stream_.expires_after(kWriteTimeout);
      auto [chunk_ec, n] = co_await asio::async_write(stream_, http::make_chunk(asio::buffer(*chunk)), kTuple);
      (void)n;
      written = !chunk_ec;
      continue;
    }
    if (finished || state_.abandoned) {
      break;
    }
    stream_.expires_never();
    chunks->timer().expires_at(asio::steady_timer::time_point::max());
    co_await chunks->timer().async_wait(kTuple);
  }
  if (written) {
    auto [last_ec, n] = co_await asio::async_write(stream_, http::make_chunk_last(), kTuple);
    (void)n;
    written = !last_ec;
  }
  chunks->mark_gone();
  co_return written;
}

asio::awaitable<bool> HttpConnection::write_whole(Exchange& exchange, bool head) {
  HttpResponse& response = exchange.response;
  http::response<http::string_body> res{static_cast<http::status>(response.status), 11};
  res.set(http::field::server, std::string("localvoice/") + kVersion);
  res.set("X-Request-Id", exchange.request.request_id);
  if (response.status != 304 && response.status != 204) {
    res.set(http::field::content_type, response.content_type);
  }
  for (const auto& [name, value] : response.headers) {
    res.set(name, value);
  }
  res.keep_alive(!exchange.close_after);
  if (head) {
    res.content_length(response.body.size());
  } else {
    res.body() = std::move(response.body);
    res.prepare_payload();
  }
  auto [write_ec, n] = co_await http::async_write(stream_, res, kTuple);
  (void)n;
  co_return !write_ec;
}

}  // namespace lv::server
