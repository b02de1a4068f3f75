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
#include "util/log.h"
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
    std::string name(field.name_string());
    for (char& c : name) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    request.headers.emplace_back(std::move(name), std::string(field.value()));
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
  for (;;) {
    if (state_.stopping) {
      break;
    }
    http::request_parser<http::string_body> parser;
    parser.header_limit(kHeaderLimit);
    // The body limit depends on the route, known only once the header is in: no limit while reading it
    // (the declared length is checked against the route's limit below, before any body byte is read).
    parser.body_limit(boost::none);
    stream_.expires_after(kIdleTimeout);
    auto [read_ec, header_bytes] = co_await http::async_read_header(stream_, buffer, parser, kTuple);
    (void)header_bytes;
    if (read_ec) {
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
      break;
    }
    busy_ = true;
    const auto started = std::chrono::steady_clock::now();
    HttpRequest request = to_request(parser.get());
    request.remote_address = remote_address_;
    const auto client_id = request.header("x-request-id");
    request.request_id = client_id && usable_request_id(*client_id) ? *client_id : state_.next_request_id();

    HttpResponse response;
    bool close_after = !parser.get().keep_alive() || state_.stopping;
    Router::Match match;
    bool static_hit = false;
    const auto target = parse_target(request.target);
    if (!target) {
      response = error_response(400, "malformed request target '" + request.target + "'", "invalid_request_error");
      close_after = true;
    } else {
      request.path = target->path;
      request.query = target->query;

      if (beast::websocket::is_upgrade(parser.get())) {
        if (const auto* factory = state_.router.websocket(request.path); factory != nullptr) {
          auto [body_ec, body_bytes] = co_await http::async_read(stream_, buffer, parser, kTuple);
          (void)body_bytes;
          if (body_ec) {
            break;
          }
          log::debug("websocket upgrade", {{"request_id", request.request_id}, {"path", request.path}});
          auto ws =
              std::make_shared<WebSocketConnection>(state_, stream_.release_socket(), *factory, std::move(request));
          co_await ws->run(parser.release());
          co_return;
        }
      }

      match = state_.router.match(request.method, request.path);
      const std::size_t body_limit = match.route != nullptr ? match.route->options.max_body_bytes : kDefaultBodyLimit;
      const auto declared = parser.content_length();
      if (declared && *declared > body_limit) {
        response = error_response(413,
                                  "request body of " + std::to_string(*declared) + " bytes exceeds the limit of " +
                                      std::to_string(body_limit) + " bytes for " + request.path,
                                  "invalid_request_error", "request_too_large");
        close_after = true;  // the body was not read, so the connection cannot be reused
      } else {
        parser.body_limit(body_limit);
        if (const auto expect = request.header("expect"); expect && *expect == "100-continue") {
          http::response<http::empty_body> go_on{http::status::continue_, 11};
          co_await http::async_write(stream_, go_on, kTuple);
        }
        auto [body_ec, body_bytes] = co_await http::async_read(stream_, buffer, parser, kTuple);
        (void)body_bytes;
        if (body_ec == http::error::body_limit) {
          response = error_response(
              413, "request body exceeds the limit of " + std::to_string(body_limit) + " bytes for " + request.path,
              "invalid_request_error", "request_too_large");
          close_after = true;
        } else if (body_ec) {
          break;
        } else {
          request.body = std::move(parser.get().body());
          if (match.route != nullptr) {
            request.path_params = match.path_params;
            const Route& route = *match.route;
            if (route.options.runs_on == RunsOn::io_thread) {
              response = Router::invoke(route, request);
            } else {
              // Handlers may block or compute: they run on the worker pool, never on this I/O thread.
              response = co_await asio::co_spawn(
                  state_.workers,
                  [&route, &request]() -> asio::awaitable<HttpResponse> { co_return Router::invoke(route, request); },
                  asio::use_awaitable);
            }
          } else if (auto file = serve_static_file(state_.options.web_root, request)) {
            response = std::move(*file);
            static_hit = true;
          } else if (state_.router.websocket(request.path) != nullptr) {
            response = error_response(426, request.path + " is a WebSocket endpoint; connect with a WebSocket client",
                                      "invalid_request_error", "upgrade_required");
            response.headers.emplace_back("Upgrade", "websocket");
          } else if (match.path_known) {
            response = error_response(405, "method " + request.method + " is not allowed on " + request.path,
                                      "invalid_request_error", "method_not_allowed");
          } else {
            response =
                error_response(404, "no such endpoint or file: " + request.path, "invalid_request_error", "not_found");
          }
        }
      }
    }

    // Recorded before the response goes out, so a client that reads /metrics next always sees its request.
    const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    record(request, response.status, route_label(match, static_hit), elapsed_s);

    stream_.expires_after(kWriteTimeout);
    const bool head = request.method == "HEAD";
    bool write_failed = false;
    if (response.stream && !head) {
      http::response<http::empty_body> res{static_cast<http::status>(response.status), 11};
      res.set(http::field::server, std::string("localvoice/") + kVersion);
      res.set(http::field::content_type, response.content_type);
      res.set("X-Request-Id", request.request_id);
      for (const auto& [name, value] : response.headers) {
        res.set(name, value);
      }
      res.chunked(true);
      res.keep_alive(!close_after);
      http::response_serializer<http::empty_body> serializer{res};
      auto [head_ec, head_bytes] = co_await http::async_write_header(stream_, serializer, kTuple);
      (void)head_bytes;
      auto chunks = std::make_shared<ChunkStream>(stream_.get_executor(), state_.abandoned);
      asio::post(state_.workers, [chunks, producer = std::move(response.stream), id = request.request_id] {
        try {
          producer(*chunks);
        } catch (const std::exception& e) {
          log::error("streamed response failed", {{"request_id", id}, {"error", std::string(e.what())}});
        }
        chunks->finish();
      });
      write_failed = static_cast<bool>(head_ec);
      while (!write_failed) {
        bool finished = false;
        auto chunk = chunks->try_pop(finished);
        if (chunk) {
          // Streams can run long (a spoken reply); each chunk gets its own write deadline.
          stream_.expires_after(kWriteTimeout);
          auto [chunk_ec, n] = co_await asio::async_write(stream_, http::make_chunk(asio::buffer(*chunk)), kTuple);
          (void)n;
          write_failed = static_cast<bool>(chunk_ec);
          continue;
        }
        if (finished || state_.abandoned) {
          break;
        }
        stream_.expires_never();
        chunks->timer().expires_at(asio::steady_timer::time_point::max());
        co_await chunks->timer().async_wait(kTuple);
      }
      if (write_failed) {
        chunks->mark_gone();
      } else {
        auto [last_ec, n] = co_await asio::async_write(stream_, http::make_chunk_last(), kTuple);
        (void)n;
        write_failed = static_cast<bool>(last_ec);
      }
      chunks->mark_gone();
    } else {
      http::response<http::string_body> res{static_cast<http::status>(response.status), 11};
      res.set(http::field::server, std::string("localvoice/") + kVersion);
      res.set("X-Request-Id", request.request_id);
      if (response.status != 304 && response.status != 204) {
        res.set(http::field::content_type, response.content_type);
      }
      for (const auto& [name, value] : response.headers) {
        res.set(name, value);
      }
      res.keep_alive(!close_after);
      if (head) {
        res.content_length(response.body.size());
      } else {
        res.body() = std::move(response.body);
        res.prepare_payload();
      }
      auto [write_ec, n] = co_await http::async_write(stream_, res, kTuple);
      (void)n;
      write_failed = static_cast<bool>(write_ec);
    }

    busy_ = false;
    if (write_failed || close_after) {
      break;
    }
  }
  beast::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

}  // namespace lv::server
