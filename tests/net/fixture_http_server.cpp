#include "net/fixture_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace lv::test {
namespace {

constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
constexpr std::size_t kFilePieceBytes = 64 * 1024;
constexpr int kAcceptPollMs = 20;

std::string to_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 416:
      return "Range Not Satisfiable";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

// Reads one request (headers and a Content-Length body); nullopt when the client went away or sent garbage.
std::optional<FixtureRequest> read_request(int socket_fd) {
  std::string data;
  char buffer[8192];
  std::size_t header_end = std::string::npos;
  while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
    if (data.size() > kMaxHeaderBytes) {
      return std::nullopt;
    }
    const ssize_t got = ::recv(socket_fd, buffer, sizeof(buffer), 0);
    if (got <= 0) {
      return std::nullopt;
    }
    data.append(buffer, static_cast<std::size_t>(got));
  }
  FixtureRequest request;
  std::string_view head(data.data(), header_end);
  const auto line_end = head.find("\r\n");
  const std::string_view request_line = head.substr(0, line_end);
  const auto first_space = request_line.find(' ');
  const auto second_space = request_line.find(' ', first_space + 1);
  if (first_space == std::string_view::npos || second_space == std::string_view::npos) {
    return std::nullopt;
  }
  request.method = std::string(request_line.substr(0, first_space));
  request.target = std::string(request_line.substr(first_space + 1, second_space - first_space - 1));
  const auto question = request.target.find('?');
  request.path = request.target.substr(0, question);
  if (question != std::string::npos) {
    request.query = request.target.substr(question + 1);
  }
  std::string_view rest = line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 2);
  while (!rest.empty()) {
    const auto next = rest.find("\r\n");
    const std::string_view line = rest.substr(0, next);
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      request.headers.emplace_back(to_lower(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
    }
    if (next == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(next + 2);
  }
  request.body = data.substr(header_end + 4);
  if (const auto length = request.header("content-length")) {
    const std::size_t wanted = std::stoul(*length);
    while (request.body.size() < wanted) {
      const ssize_t got = ::recv(socket_fd, buffer, sizeof(buffer), 0);
      if (got <= 0) {
        return std::nullopt;
      }
      request.body.append(buffer, static_cast<std::size_t>(got));
    }
    request.body.resize(wanted);
  }
  return request;
}

// Parses "bytes=N-" or "bytes=N-M" into [first, last]; nullopt when absent or not of that form.
std::optional<std::pair<std::uint64_t, std::optional<std::uint64_t>>> parse_range(const std::string& value) {
  if (!value.starts_with("bytes=")) {
    return std::nullopt;
  }
  const std::string spec = value.substr(6);
  const auto dash = spec.find('-');
  if (dash == std::string::npos || dash == 0) {
    return std::nullopt;
  }
  const std::uint64_t first = std::stoull(spec.substr(0, dash));
  std::optional<std::uint64_t> last;
  if (dash + 1 < spec.size()) {
    last = std::stoull(spec.substr(dash + 1));
  }
  return std::make_pair(first, last);
}

}  // namespace

std::optional<std::string> FixtureRequest::header(std::string_view name) const {
  const std::string wanted = to_lower(name);
  for (const auto& [key, value] : headers) {
    if (key == wanted) {
      return value;
    }
  }
  return std::nullopt;
}

bool FixtureServerState::wait_ms(int duration_ms) {
  std::unique_lock lock(mutex_);
  if (duration_ms < 0) {
    stopped_.wait(lock, [this] { return stopping_.load(); });
  } else {
    stopped_.wait_for(lock, std::chrono::milliseconds(duration_ms), [this] { return stopping_.load(); });
  }
  return !stopping_.load();
}

FixtureResponder::FixtureResponder(int socket_fd, const FixtureRequest& request, FixtureServerState& state)
    : socket_fd_(socket_fd), request_(request), state_(state), head_only_(request.method == "HEAD") {}

std::string FixtureResponder::status_block(int status, const FixtureHeaders& headers) const {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) + "\r\n";
  for (const auto& [name, value] : headers) {
    out += name + ": " + value + "\r\n";
  }
  out += "Connection: close\r\n";
  return out;
}

bool FixtureResponder::write_raw(std::string_view data) {
  while (!data.empty() && socket_fd_ >= 0) {
    const ssize_t sent = ::send(socket_fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent <= 0) {
      socket_fd_ = -1;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
  return socket_fd_ >= 0;
}

bool FixtureResponder::write_body(std::string_view data) {
  if (head_only_) {
    return connected();
  }
  bool drop_now = false;
  if (drop_after_) {
    if (data.size() >= *drop_after_) {
      data = data.substr(0, static_cast<std::size_t>(*drop_after_));
      drop_now = true;
    }
    *drop_after_ -= data.size();
  }
  const bool ok = write_raw(data);
  if (ok) {
    body_bytes_sent_ += data.size();
    state_.add_body_bytes(data.size());
  }
  if (drop_now) {
    drop();
    return false;
  }
  return ok;
}

bool FixtureResponder::send(int status, std::string_view body, const FixtureHeaders& headers,
                            std::string_view content_type) {
  std::string head = status_block(status, headers);
  if (!content_type.empty()) {
    head += "Content-Type: " + std::string(content_type) + "\r\n";
  }
  head += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  return write_raw(head) && write_body(body);
}

bool FixtureResponder::send_file(const std::filesystem::path& file, const FixtureHeaders& headers) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return send(404, "no such fixture file: " + file.string());
  }
  const std::uint64_t total = std::filesystem::file_size(file);
  std::uint64_t first = 0;
  std::uint64_t last = total == 0 ? 0 : total - 1;
  int status = 200;
  FixtureHeaders all = headers;
  all.emplace_back("Accept-Ranges", "bytes");
  all.emplace_back("Content-Type", "application/octet-stream");
  if (const auto range_header = request_.header("range")) {
    const auto range = parse_range(*range_header);
    if (!range || range->first >= total) {
      all.emplace_back("Content-Range", "bytes */" + std::to_string(total));
      return send(416, "", all, "");
    }
    first = range->first;
    last = std::min(range->second.value_or(total - 1), total - 1);
    status = 206;
    all.emplace_back("Content-Range",
                     "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" + std::to_string(total));
  }
  const std::uint64_t length = total == 0 ? 0 : last - first + 1;
  std::string head = status_block(status, all);
  head += "Content-Length: " + std::to_string(length) + "\r\n\r\n";
  if (!write_raw(head)) {
    return false;
  }
  in.seekg(static_cast<std::streamoff>(first));
  std::string piece(kFilePieceBytes, '\0');
  std::uint64_t remaining = length;
  while (remaining > 0) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, kFilePieceBytes));
    in.read(piece.data(), static_cast<std::streamsize>(want));
    if (!write_body(std::string_view(piece.data(), want))) {
      return false;
    }
    remaining -= want;
  }
  return true;
}

bool FixtureResponder::begin(int status, const FixtureHeaders& headers, Framing framing, std::uint64_t content_length) {
  framing_ = framing;
  std::string head = status_block(status, headers);
  if (framing == Framing::chunked) {
    head += "Transfer-Encoding: chunked\r\n";
  } else if (framing == Framing::content_length) {
    head += "Content-Length: " + std::to_string(content_length) + "\r\n";
  }
  head += "\r\n";
  return write_raw(head);
}

bool FixtureResponder::write(std::string_view data) {
  if (data.empty()) {
    return connected();
  }
  if (framing_ == Framing::chunked && !head_only_) {
    char size_line[32];
    std::snprintf(size_line, sizeof(size_line), "%zx\r\n", data.size());
    if (!write_raw(size_line) || !write_body(data)) {
      return false;
    }
    return write_raw("\r\n");
  }
  return write_body(data);
}

bool FixtureResponder::end() {
  if (framing_ == Framing::chunked && !head_only_) {
    return write_raw("0\r\n\r\n");
  }
  if (framing_ == Framing::close_delimited) {
    drop();
  }
  return true;
}

void FixtureResponder::drop() {
  if (socket_fd_ >= 0) {
    ::shutdown(socket_fd_, SHUT_RDWR);  // the connection thread closes the descriptor itself
    socket_fd_ = -1;
  }
}

bool FixtureResponder::sleep_ms(int duration_ms) { return state_.wait_ms(duration_ms); }

void FixtureResponder::stall() { state_.wait_ms(-1); }

FixtureHttpServer::FixtureHttpServer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) {
    throw std::runtime_error(std::string("fixture server: socket() failed: ") + std::strerror(errno));
  }
  const int enable = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &enable, sizeof(enable));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    const std::string cause = std::strerror(errno);
    ::close(listen_fd_);
    throw std::runtime_error("fixture server: cannot listen on 127.0.0.1: " + cause);
  }
  socklen_t length = sizeof(address);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  accept_thread_ = std::thread([this] { accept_loop(); });
}

FixtureHttpServer::~FixtureHttpServer() { stop(); }

void FixtureHttpServer::on(const std::string& path, FixtureHandler handler) {
  const std::lock_guard lock(mutex_);
  handlers_[path] = std::move(handler);
}

std::string FixtureHttpServer::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

std::size_t FixtureHttpServer::request_count() const {
  const std::lock_guard lock(mutex_);
  return requests_.size();
}

std::size_t FixtureHttpServer::request_count(std::string_view path) const {
  const std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(requests_.begin(), requests_.end(), [path](const FixtureRequest& r) { return r.path == path; }));
}

std::vector<FixtureRequest> FixtureHttpServer::requests() const {
  const std::lock_guard lock(mutex_);
  return requests_;
}

FixtureHandler FixtureHttpServer::find_handler(const std::string& path) const {
  const std::lock_guard lock(mutex_);
  if (const auto exact = handlers_.find(path); exact != handlers_.end()) {
    return exact->second;
  }
  const FixtureHandler* best = nullptr;
  std::size_t best_length = 0;
  for (const auto& [pattern, handler] : handlers_) {
    if (pattern.ends_with('*')) {
      const std::string_view prefix(pattern.data(), pattern.size() - 1);
      if (path.starts_with(prefix) && (best == nullptr || prefix.size() > best_length)) {
        best = &handler;
        best_length = prefix.size();
      }
    }
  }
  return best != nullptr ? *best : FixtureHandler();
}

void FixtureHttpServer::accept_loop() {
  while (!state_.stopping()) {
    pollfd waiting{listen_fd_, POLLIN, 0};
    if (::poll(&waiting, 1, kAcceptPollMs) <= 0) {
      continue;
    }
    const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      continue;
    }
    const std::lock_guard lock(mutex_);
    if (state_.stopping()) {
      ::close(client);
      break;
    }
    open_sockets_.push_back(client);
    connection_threads_.emplace_back([this, client] { serve_connection(client); });
  }
}

void FixtureHttpServer::serve_connection(int socket_fd) {
  if (auto request = read_request(socket_fd)) {
    {
      const std::lock_guard lock(mutex_);
      requests_.push_back(*request);
    }
    FixtureResponder responder(socket_fd, *request, state_);
    const FixtureHandler handler = find_handler(request->path);
    try {
      if (handler) {
        handler(*request, responder);
      } else {
        responder.send(404, "no fixture handler for " + request->path);
      }
    } catch (const std::exception& error) {
      responder.send(500, std::string("fixture handler threw: ") + error.what());
    }
  }
  const std::lock_guard lock(mutex_);
  open_sockets_.erase(std::remove(open_sockets_.begin(), open_sockets_.end(), socket_fd), open_sockets_.end());
  ::close(socket_fd);
}

void FixtureHttpServer::stop() {
  {
    const std::lock_guard state_lock(state_.mutex_);
    if (state_.stopping_.exchange(true)) {
      return;
    }
  }
  state_.stopped_.notify_all();
  if (accept_thread_.joinable()) {
    accept_thread_.join();
  }
  std::vector<std::thread> threads;
  {
    const std::lock_guard lock(mutex_);
    for (const int socket_fd : open_sockets_) {
      ::shutdown(socket_fd, SHUT_RDWR);  // wakes handlers blocked in recv/send
    }
    threads.swap(connection_threads_);
  }
  for (auto& thread : threads) {
    thread.join();
  }
  ::close(listen_fd_);
  listen_fd_ = -1;
}

}  // namespace lv::test
