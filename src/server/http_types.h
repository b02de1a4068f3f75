// Transport-neutral HTTP request and response types that route handlers see (no Beast in handler code).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lv::server {

struct HttpRequest {
  std::string method;                              // "GET", "POST", ...
  std::string target;                              // as received, e.g. "/v1/kb/search?q=x"
  std::string path;                                // percent-decoded path without the query, e.g. "/v1/kb/search"
  std::multimap<std::string, std::string> query;   // percent-decoded query parameters
  std::map<std::string, std::string> path_params;  // from "{name}" segments of the route pattern
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string request_id;  // also sent back as X-Request-Id and attached to log lines
  std::string remote_address;

  // Case-insensitive header lookup; the first value when repeated.
  std::optional<std::string> header(std::string_view name) const;
  std::optional<std::string> query_param(std::string_view name) const;
};

// A body produced incrementally (server-sent events, audio) by work running off the I/O threads.
// Thread-safe. The connection drains it and writes HTTP/1.1 chunks, one write in flight at a time.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // Queues a chunk; returns false once the client has gone away (the producer should stop).
  virtual bool write(std::string chunk) = 0;
  // True once the client disconnected; producers poll this to cancel engine work early.
  virtual bool client_gone() const = 0;
};

// Runs on a worker thread after the status line and headers are sent; the body ends when it returns.
using StreamProducer = std::function<void(ResponseStream&)>;

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  StreamProducer stream;  // when set, `body` is ignored and the body is streamed with chunked encoding

  static HttpResponse json(std::string body_json, int status_code = 200);
  static HttpResponse text(std::string body_text, std::string type = "text/plain; charset=utf-8",
                           int status_code = 200);
};

// Thrown by handlers for a response other than 2xx. The router turns it into the OpenAI error shape:
// {"error":{"message":..., "type":..., "code":...}}.
class HttpError : public std::exception {
 public:
  HttpError(int status, std::string message, std::string type = "invalid_request_error", std::string code = {})
      : status_(status), message_(std::move(message)), type_(std::move(type)), code_(std::move(code)) {}
  const char* what() const noexcept override { return message_.c_str(); }
  int status() const noexcept { return status_; }
  const std::string& type() const noexcept { return type_; }
  const std::string& code() const noexcept { return code_; }

 private:
  int status_;
  std::string message_;
  std::string type_;
  std::string code_;
};

}  // namespace lv::server
