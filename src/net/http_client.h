// A blocking HTTP/1.1 client (libcurl) with the timeouts, streaming and cancellation remote engines need.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/error.h"

namespace lv::net {

struct HttpClientRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"Authorization", "Bearer ..."}
  std::string body;

  int connect_timeout_ms = 5000;             // TCP (and TLS) connect
  int first_byte_timeout_ms = 0;             // from request sent to the first response byte; 0 = total timeout only
  int idle_timeout_ms = 30000;               // longest gap between received bytes once the response started
  int total_timeout_ms = 0;                  // whole exchange; 0 = unlimited (streams)
  std::optional<std::uint64_t> range_start;  // sends "Range: bytes=N-" (resuming downloads)

  // Streaming: called with each piece of the body as it arrives (the response's `body` then stays empty).
  // Return false to abort the transfer (reported as cancelled, not as an error).
  std::function<bool(std::string_view chunk)> on_body;
  // Called once the status line and headers are in, before any body bytes.
  std::function<void(int status, const std::vector<std::pair<std::string, std::string>>& headers)> on_headers;
  // Polled about every 10 ms while waiting; returning true aborts within that time.
  std::function<bool()> cancelled;
  // Download progress: bytes received so far in this request, and the total if known (0 when not).
  std::function<void(std::uint64_t received, std::uint64_t total)> on_progress;
};

struct HttpClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;                                          // empty when on_body consumed it
  bool cancelled = false;

  std::optional<std::string> header(std::string_view name) const;
};

// What kind of transport failure an HttpError reports, for callers that react differently to each
// (a downloader tells "offline" from "server stuck" and resumes only broken transfers).
enum class HttpFailure { connect, resolve, timeout, broken, tls, invalid_url, other };

// Thrown by http_request for transport failures (never for HTTP statuses).
class HttpError : public Error {
 public:
  HttpError(HttpFailure failure, std::uint64_t body_bytes_received, const std::string& problem, std::string fix)
      : Error(problem, std::move(fix)), failure_(failure), body_bytes_received_(body_bytes_received) {}
  HttpFailure failure() const noexcept { return failure_; }
  // Body bytes that arrived (and were passed to on_body) before the failure.
  std::uint64_t body_bytes_received() const noexcept { return body_bytes_received_; }

 private:
  HttpFailure failure_;
  std::uint64_t body_bytes_received_;
};

// Performs the request. Throws HttpError (an lv::Error), naming the URL's host and what to check, when the server
// cannot be reached (refused, DNS, timeout) or the connection breaks; HTTP error statuses are returned, not thrown.
HttpClientResponse http_request(const HttpClientRequest& request);

// Percent-encodes a string for a URL query value.
std::string url_encode(std::string_view text);

}  // namespace lv::net
