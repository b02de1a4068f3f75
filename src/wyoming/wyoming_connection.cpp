#include "wyoming/wyoming_connection.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <utility>

#include "util/error.h"
#include "util/log.h"

namespace lv::wyoming {
namespace asio = boost::asio;

namespace {

constexpr std::size_t kReadBytes = 64 * 1024;

// What handlers write through: holds the connection weakly, so that a handler (owned by the connection) or its
// queued engine work never keeps the connection alive.
class ConnectionWriter final : public EventWriter {
 public:
  explicit ConnectionWriter(std::weak_ptr<WyomingConnection> connection) : connection_(std::move(connection)) {}
  bool write(Event event) override {
    const auto connection = connection_.lock();
    return connection && connection->write(event);
  }

 private:
  std::weak_ptr<WyomingConnection> connection_;
};

}  // namespace

WyomingConnection::WyomingConnection(Socket socket, std::string peer, const std::vector<WyomingServicePtr>& services,
                                     ConnectionLimits limits)
    : socket_(std::move(socket)), peer_(std::move(peer)), services_(services), limits_(limits) {}

WyomingConnection::~WyomingConnection() = default;

asio::awaitable<void> WyomingConnection::run() {
  const auto writer = std::make_shared<ConnectionWriter>(weak_from_this());
  for (const auto& service : services_) {
    if (auto handler = service->open(writer)) {
      handlers_.push_back(std::move(handler));
    }
  }
  log::debug("wyoming client connected", {{"peer", peer_}});
  EventDecoder decoder(limits_.decoder);
  std::array<char, kReadBytes> buffer{};
  for (;;) {
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
    if (ec) {
      log::debug("wyoming client left", {{"peer", peer_}, {"reason", ec.message()}});
      // The client may have half-closed after its last request: what is queued still goes out.
      close(true);
      co_return;
    }
    try {
      decoder.feed(std::string_view(buffer.data(), n));
      while (auto event = decoder.next()) {
        dispatch(*event);
      }
    } catch (const Error& e) {
      log::warn("closing Wyoming connection: malformed or oversize input",
                {{"peer", peer_}, {"error", e.full_message()}});
      close(false);
      co_return;
    }
    {
      const std::lock_guard lock(mutex_);
      if (closing_) {
        co_return;
      }
    }
  }
}

void WyomingConnection::dispatch(const Event& event) {
  if (event.type == "describe") {
    describe();
    return;
  }
  if (event.type == "ping") {
    nlohmann::json data = nlohmann::json::object();
    if (const auto text = event.data.find("text"); text != event.data.end()) {
      data["text"] = *text;
    }
    write(Event{"pong", std::move(data), {}});
    return;
  }
  for (const auto& handler : handlers_) {
    try {
      if (handler->on_event(event)) {
        return;
      }
    } catch (const std::exception& e) {
      // A handler's failure ends its request, not the connection.
      log::warn("Wyoming event failed", {{"peer", peer_}, {"type", event.type}, {"error", std::string(e.what())}});
      return;
    }
  }
  log::debug("Wyoming event ignored", {{"peer", peer_}, {"type", event.type}});
}

void WyomingConnection::describe() {
  nlohmann::json data = nlohmann::json::object();
  for (const char* domain : {"asr", "tts", "handle", "intent", "wake", "mic", "snd"}) {
    data[domain] = nlohmann::json::array();
  }
  for (const auto& service : services_) {
    try {
      service->describe(data);
    } catch (const std::exception& e) {
      log::warn("a Wyoming service could not describe itself", {{"error", std::string(e.what())}});
    }
  }
  write(Event{"info", std::move(data), {}});
}

bool WyomingConnection::write(const Event& event) {
  std::string bytes = encode(event);
  {
    const std::lock_guard lock(mutex_);
    if (closing_) {
      return false;
    }
    if (queued_bytes_ + bytes.size() > limits_.max_queued_bytes) {
      log::warn("closing Wyoming connection: the client does not read what it asked for",
                {{"peer", peer_}, {"queued_bytes", queued_bytes_}, {"limit_bytes", limits_.max_queued_bytes}});
    } else {
      queued_bytes_ += bytes.size();
      queue_.push_back(std::move(bytes));
      if (writing_) {
        return true;
      }
      writing_ = true;
      asio::post(socket_.get_executor(), [self = shared_from_this()] { self->write_next(); });
      return true;
    }
  }
  shutdown();
  return false;
}

void WyomingConnection::write_next() {
  {
    const std::lock_guard lock(mutex_);
    if (queue_.empty() || (closing_ && !flush_then_close_)) {
      writing_ = false;
      if (closing_) {
        boost::system::error_code ignored;
        socket_.shutdown(Socket::shutdown_both, ignored);
        socket_.close(ignored);
      }
      return;
    }
    in_flight_ = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= in_flight_.size();
  }
  asio::async_write(socket_, asio::buffer(in_flight_),
                    [self = shared_from_this()](const boost::system::error_code& ec, std::size_t /*bytes*/) {
                      if (ec) {
                        {
                          const std::lock_guard lock(self->mutex_);
                          self->flush_then_close_ = false;
                        }
                        self->close(false);
                      }
                      self->write_next();
                    });
}

void WyomingConnection::close(bool flush) {
  bool close_now = false;
  {
    const std::lock_guard lock(mutex_);
    if (!closing_) {
      closing_ = true;
      flush_then_close_ = flush;
    } else if (!flush) {
      flush_then_close_ = false;
    }
    if (!flush) {
      queue_.clear();
      queued_bytes_ = 0;
    }
    close_now = !writing_;
  }
  close_handlers();
  boost::system::error_code ignored;
  if (close_now) {
    socket_.shutdown(Socket::shutdown_both, ignored);
    socket_.close(ignored);
  } else if (!flush) {
    socket_.cancel(ignored);  // the write in progress ends; write_next() closes the socket
  }
}

void WyomingConnection::close_handlers() {
  if (handlers_closed_) {
    return;
  }
  handlers_closed_ = true;
  for (const auto& handler : handlers_) {
    handler->close();
  }
}

void WyomingConnection::shutdown() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->close(false); });
}

}  // namespace lv::wyoming
