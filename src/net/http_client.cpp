#include "net/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>

#include "util/clock.h"
#include "util/error.h"
#include "util/text.h"

namespace lv::net {
namespace {

using Clock = std::chrono::steady_clock;

// How often the transfer loop wakes up to check cancellation and timeouts when no data flows.
constexpr int kPollIntervalMs = 10;
constexpr long kMaxRedirects = 10;

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct CurlMultiDeleter {
  void operator()(CURLM* handle) const { curl_multi_cleanup(handle); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct CurlUrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlStringDeleter {
  void operator()(char* text) const { curl_free(text); }
};
using CurlEasyPtr = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlMultiPtr = std::unique_ptr<CURLM, CurlMultiDeleter>;
using CurlSlistPtr = std::unique_ptr<curl_slist, CurlSlistDeleter>;
using CurlUrlPtr = std::unique_ptr<CURLU, CurlUrlDeleter>;
using CurlStringPtr = std::unique_ptr<char, CurlStringDeleter>;

// Keeps an easy handle attached to a multi handle for the lifetime of one transfer.
class MultiAttachment {
 public:
  MultiAttachment(CURLM* multi, CURL* easy) : multi_(multi), easy_(easy) {
    if (curl_multi_add_handle(multi_, easy_) != CURLM_OK) {
      throw Error("cannot start an HTTP transfer (libcurl refused the handle)", "this is a bug; please report it");
    }
  }
  ~MultiAttachment() { curl_multi_remove_handle(multi_, easy_); }
  MultiAttachment(const MultiAttachment&) = delete;
  MultiAttachment& operator=(const MultiAttachment&) = delete;

 private:
  CURLM* multi_;
  CURL* easy_;
};

void ensure_curl_initialized() {
  // curl_global_init is not safe to race with other libcurl calls; a function-local static runs it once.
  static const CURLcode init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (init_result != CURLE_OK) {
    throw Error("cannot initialise libcurl: " + std::string(curl_easy_strerror(init_result)),
                "check the libcurl and OpenSSL installation");
  }
}

// "host:port" of a URL, for messages; throws lv::Error for URLs libcurl cannot parse.
std::string endpoint_of(const std::string& url) {
  CurlUrlPtr parsed(curl_url());
  if (!parsed) {
    throw std::bad_alloc();
  }
  if (curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    throw HttpError(HttpFailure::invalid_url, 0, "invalid URL '" + url + "'",
                    "use an absolute URL such as http://127.0.0.1:8080/path");
  }
  char* host_raw = nullptr;
  char* port_raw = nullptr;
  curl_url_get(parsed.get(), CURLUPART_HOST, &host_raw, 0);
  CurlStringPtr host(host_raw);
  curl_url_get(parsed.get(), CURLUPART_PORT, &port_raw, CURLU_DEFAULT_PORT);
  CurlStringPtr port(port_raw);
  std::string out = host ? host.get() : "?";
  if (port) {
    out += ":";
    out += port.get();
  }
  return out;
}

// Everything the libcurl callbacks share with the transfer loop.
struct Transfer {
  Transfer(const HttpClientRequest& request_in, HttpClientResponse& response_in)
      : request(request_in), response(response_in) {}

  const HttpClientRequest& request;
  HttpClientResponse& response;
  CURL* easy = nullptr;

  Clock::time_point started_at = Clock::now();
  Clock::time_point last_byte_at = started_at;
  bool any_byte = false;
  std::uint64_t body_bytes = 0;
  bool headers_delivered = false;
  bool aborted_by_body = false;
  std::exception_ptr callback_error;

  void note_bytes() {
    last_byte_at = Clock::now();
    any_byte = true;
  }

  long current_status() const {
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    return status;
  }

  std::uint64_t content_length() const {
    curl_off_t length = -1;
    curl_easy_getinfo(easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    return length > 0 ? static_cast<std::uint64_t>(length) : 0;
  }

  void deliver_headers() {
    if (headers_delivered) {
      return;
    }
    headers_delivered = true;
    response.status = static_cast<int>(current_status());
    if (request.on_headers) {
      request.on_headers(response.status, response.headers);
    }
  }

  bool is_followed_redirect(long status) const {
    return status >= 300 && status < 400 && response.header("location").has_value();
  }
};

std::size_t on_header_line(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const std::size_t length = size * count;
  transfer.note_bytes();
  try {
    const std::string_view line(data, length);
    if (line.starts_with("HTTP/")) {
      transfer.response.headers.clear();  // a new response after a redirect or 100-continue
      return length;
    }
    if (util::trim(line).empty()) {
      const long status = transfer.current_status();
      if (status >= 200 && !transfer.is_followed_redirect(status)) {
        transfer.deliver_headers();
      }
      return length;
    }
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      transfer.response.headers.emplace_back(util::ascii_lower(util::trim(line.substr(0, colon))),
                                             std::string(util::trim(line.substr(colon + 1))));
    }
    return length;
  } catch (...) {
    transfer.callback_error = std::current_exception();
    return 0;
  }
}

std::size_t on_body_data(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const std::size_t length = size * count;
  transfer.note_bytes();
  try {
    transfer.deliver_headers();
    transfer.body_bytes += length;
    if (transfer.request.on_progress) {
      transfer.request.on_progress(transfer.body_bytes, transfer.content_length());
    }
    if (transfer.request.on_body) {
      if (!transfer.request.on_body(std::string_view(data, length))) {
        transfer.aborted_by_body = true;
        return 0;
      }
    } else {
      transfer.response.body.append(data, length);
    }
    return length;
  } catch (...) {
    transfer.callback_error = std::current_exception();
    return 0;
  }
}

void set_option_checked(CURLcode code, const char* what) {
  if (code != CURLE_OK) {
    throw Error(std::string("cannot configure the HTTP request (") + what + "): " + curl_easy_strerror(code),
                "check the request's URL and method");
  }
}

CurlSlistPtr build_header_list(const HttpClientRequest& request) {
  CurlSlistPtr list;
  auto append = [&list](const std::string& line) {
    curl_slist* next = curl_slist_append(list.get(), line.c_str());
    if (next == nullptr) {
      throw std::bad_alloc();
    }
    static_cast<void>(list.release());
    list.reset(next);
  };
  for (const auto& [name, value] : request.headers) {
    append(name + ": " + value);
  }
  // Without this, libcurl waits up to a second for "100 Continue" before sending larger bodies.
  append("Expect:");
  return list;
}

void configure(CURL* easy, const HttpClientRequest& request, Transfer& transfer, curl_slist* headers,
               char* error_buffer, const std::string& range) {
  set_option_checked(curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str()), "url");
  set_option_checked(curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L), "nosignal");
  set_option_checked(curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer), "errorbuffer");
  set_option_checked(curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L), "followlocation");
  set_option_checked(curl_easy_setopt(easy, CURLOPT_MAXREDIRS, kMaxRedirects), "maxredirs");
  set_option_checked(curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers), "httpheader");
  set_option_checked(curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &on_header_line), "headerfunction");
  set_option_checked(curl_easy_setopt(easy, CURLOPT_HEADERDATA, &transfer), "headerdata");
  set_option_checked(curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &on_body_data), "writefunction");
  set_option_checked(curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer), "writedata");
  if (request.connect_timeout_ms > 0) {
    set_option_checked(curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout_ms)),
                       "connecttimeout");
  }
  if (!range.empty()) {
    set_option_checked(curl_easy_setopt(easy, CURLOPT_RANGE, range.c_str()), "range");
  }

  const std::string method = util::ascii_lower(request.method);
  if (method == "get") {
    set_option_checked(curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L), "httpget");
  } else if (method == "head") {
    set_option_checked(curl_easy_setopt(easy, CURLOPT_NOBODY, 1L), "nobody");
  } else {
    if (method != "post") {
      set_option_checked(curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str()), "customrequest");
    }
    if (method == "post" || !request.body.empty()) {
      set_option_checked(
          curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size())),
          "postfieldsize");
      set_option_checked(curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data()), "postfields");
    }
  }
}

[[noreturn]] void throw_transfer_error(CURLcode code, const Transfer& transfer, const std::string& endpoint,
                                       const char* error_buffer) {
  const std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  const std::string& url = transfer.request.url;
  switch (code) {
    case CURLE_COULDNT_CONNECT: {
      long os_errno = 0;
      curl_easy_getinfo(transfer.easy, CURLINFO_OS_ERRNO, &os_errno);
      if (os_errno == ECONNREFUSED) {
        throw HttpError(HttpFailure::connect, transfer.body_bytes,
                        "cannot connect to " + endpoint + ": connection refused — is the server running?",
                        "start the server or fix the URL (" + url + ")");
      }
      const std::string cause = os_errno != 0 ? std::strerror(static_cast<int>(os_errno)) : detail;
      throw HttpError(HttpFailure::connect, transfer.body_bytes, "cannot connect to " + endpoint + ": " + cause,
                      "check that the server is running and reachable (network, firewall, VPN)");
    }
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      throw HttpError(HttpFailure::resolve, transfer.body_bytes,
                      "cannot resolve the host name of " + endpoint + ": " + detail,
                      "check the host name in " + url + " and your network connection");
    case CURLE_OPERATION_TIMEDOUT:
      throw HttpError(
          HttpFailure::connect, transfer.body_bytes,
          "cannot connect to " + endpoint + " within " + std::to_string(transfer.request.connect_timeout_ms) + " ms",
          "check that the server is running and reachable (network, firewall, VPN)");
    case CURLE_GOT_NOTHING:
      throw HttpError(HttpFailure::broken, transfer.body_bytes,
                      "connection to " + endpoint + " closed without a response",
                      "check that " + url + " is an HTTP server and look at its logs");
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      throw HttpError(HttpFailure::broken, transfer.body_bytes,
                      "connection to " + endpoint + " closed mid-response after " +
                          std::to_string(transfer.body_bytes) + " bytes (" + detail + ")",
                      "the server or the network dropped the connection; check the server's logs and retry");
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
      throw HttpError(HttpFailure::tls, transfer.body_bytes, "TLS handshake with " + endpoint + " failed: " + detail,
                      "check the server's certificate and the system CA bundle, or the https:// in the URL");
    case CURLE_TOO_MANY_REDIRECTS:
      throw HttpError(HttpFailure::other, transfer.body_bytes, "too many redirects from " + url,
                      "check the URL; the server redirects in a loop");
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      throw HttpError(HttpFailure::invalid_url, transfer.body_bytes, "invalid URL '" + url + "': " + detail,
                      "use an http:// or https:// URL");
    default:
      throw HttpError(HttpFailure::other, transfer.body_bytes, "HTTP request to " + endpoint + " failed: " + detail,
                      "check the URL and the server (" + url + ")");
  }
}

// Our own deadlines (first byte, idle, total) are checked here so the messages can name exactly what timed out.
void check_deadlines(const Transfer& transfer, const std::string& endpoint) {
  const auto& request = transfer.request;
  const auto now = Clock::now();
  const auto elapsed_ms = [now](Clock::time_point since) { return util::ms_between(since, now); };
  if (request.total_timeout_ms > 0 && elapsed_ms(transfer.started_at) > request.total_timeout_ms) {
    throw HttpError(HttpFailure::timeout, transfer.body_bytes,
                    "request to " + endpoint + " did not finish within " + std::to_string(request.total_timeout_ms) +
                        " ms (" + std::to_string(transfer.body_bytes) + " bytes received)",
                    "the server is slow or stuck; check it, or raise the timeout");
  }
  if (!transfer.any_byte) {
    if (request.first_byte_timeout_ms <= 0) {
      return;
    }
    curl_off_t sent_after_us = 0;
    curl_easy_getinfo(transfer.easy, CURLINFO_PRETRANSFER_TIME_T, &sent_after_us);
    if (sent_after_us <= 0) {
      return;  // still connecting: the connect timeout applies
    }
    const auto sent_at = transfer.started_at + std::chrono::microseconds(sent_after_us);
    if (elapsed_ms(sent_at) > request.first_byte_timeout_ms) {
      throw HttpError(
          HttpFailure::timeout, transfer.body_bytes,
          "no response from " + endpoint + " within " + std::to_string(request.first_byte_timeout_ms) + " ms",
          "the server accepted the connection but does not answer; check that it is not stuck or overloaded");
    }
    return;
  }
  if (request.idle_timeout_ms > 0 && elapsed_ms(transfer.last_byte_at) > request.idle_timeout_ms) {
    throw HttpError(HttpFailure::timeout, transfer.body_bytes,
                    "connection to " + endpoint + " stalled: no data for " + std::to_string(request.idle_timeout_ms) +
                        " ms after " + std::to_string(transfer.body_bytes) + " bytes",
                    "the server stopped sending; check that it is not stuck or overloaded");
  }
}

}  // namespace

std::optional<std::string> HttpClientResponse::header(std::string_view name) const {
  const std::string wanted = util::ascii_lower(name);
  for (const auto& [key, value] : headers) {
    if (key == wanted) {
      return value;
    }
  }
  return std::nullopt;
}

HttpClientResponse http_request(const HttpClientRequest& request) {
  ensure_curl_initialized();
  const std::string endpoint = endpoint_of(request.url);

  CurlEasyPtr easy(curl_easy_init());
  CurlMultiPtr multi(curl_multi_init());
  if (!easy || !multi) {
    throw Error("cannot create an HTTP transfer (libcurl is out of memory)", "free some memory and retry");
  }
  HttpClientResponse response;
  Transfer transfer(request, response);
  transfer.easy = easy.get();
  const CurlSlistPtr headers = build_header_list(request);
  char error_buffer[CURL_ERROR_SIZE] = {};
  const std::string range = request.range_start ? std::to_string(*request.range_start) + "-" : std::string();
  configure(easy.get(), request, transfer, headers.get(), error_buffer, range);

  const MultiAttachment attachment(multi.get(), easy.get());
  transfer.started_at = Clock::now();
  transfer.last_byte_at = transfer.started_at;
  for (;;) {
    int running = 0;
    const CURLMcode perform_code = curl_multi_perform(multi.get(), &running);
    if (perform_code != CURLM_OK) {
      throw Error("HTTP transfer to " + endpoint + " failed: " + curl_multi_strerror(perform_code),
                  "retry; if it persists, check the libcurl installation");
    }
    if (transfer.callback_error) {
      std::rethrow_exception(transfer.callback_error);
    }
    if (running == 0 || transfer.aborted_by_body) {
      break;
    }
    if (request.cancelled && request.cancelled()) {
      response.cancelled = true;
      response.status = static_cast<int>(transfer.current_status());
      return response;
    }
    check_deadlines(transfer, endpoint);
    curl_multi_poll(multi.get(), nullptr, 0, kPollIntervalMs, nullptr);
  }

  if (transfer.aborted_by_body) {
    response.cancelled = true;
    response.status = static_cast<int>(transfer.current_status());
    return response;
  }
  CURLcode result = CURLE_OK;
  int queued = 0;
  while (CURLMsg* message = curl_multi_info_read(multi.get(), &queued)) {
    if (message->msg == CURLMSG_DONE) {
      result = message->data.result;
    }
  }
  if (result != CURLE_OK) {
    throw_transfer_error(result, transfer, endpoint, error_buffer);
  }
  transfer.deliver_headers();  // responses without body bytes (HEAD, 204) still report their headers
  response.status = static_cast<int>(transfer.current_status());
  return response;
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char raw : text) {
    const auto c = static_cast<unsigned char>(raw);
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += raw;
    } else {
      out += '%';
      out += kHex[c >> 4U];
      out += kHex[c & 0x0FU];
    }
  }
  return out;
}

}  // namespace lv::net
