// One Wyoming client: reads and decodes its events, answers describe and ping, offers the rest to the services'
// handlers, and writes answers one at a time from a bounded queue.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/generic/stream_protocol.hpp>

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "wyoming/wyoming_event.h"
#include "wyoming/wyoming_service.h"

namespace lv::wyoming {

struct ConnectionLimits {
  DecoderLimits decoder;
  std::size_t max_queued_bytes = std::size_t{16} << 20;  // a client this far behind is disconnected
};

class WyomingConnection : public std::enable_shared_from_this<WyomingConnection> {
 public:
  using Socket = boost::asio::generic::stream_protocol::socket;

  WyomingConnection(Socket socket, std::string peer, const std::vector<WyomingServicePtr>& services,
                    ConnectionLimits limits);
  ~WyomingConnection();
  WyomingConnection(const WyomingConnection&) = delete;
  WyomingConnection& operator=(const WyomingConnection&) = delete;

  // Reads until the client leaves or the connection is closed; runs on the socket's strand.
  boost::asio::awaitable<void> run();
  // Thread-safe: queues one event; false once the connection is closing.
  bool write(const Event& event);
  // Thread-safe: closes the connection (queued writes are dropped).
  void shutdown();
  // The strand the connection runs on.
  Socket::executor_type executor() { return socket_.get_executor(); }

 private:
  void dispatch(const Event& event);
  void describe();
  void write_next();
  void close(bool flush);
  void close_handlers();

  Socket socket_;
  std::string peer_;
  const std::vector<WyomingServicePtr>& services_;
  ConnectionLimits limits_;
  std::vector<std::unique_ptr<ServiceHandler>> handlers_;  // touched on the strand only
  bool handlers_closed_ = false;

  std::mutex mutex_;  // guards the write queue and the closing state
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closing_ = false;
  bool flush_then_close_ = false;
  std::string in_flight_;  // the bytes of the write in progress (strand only)
};

using WyomingConnectionPtr = std::shared_ptr<WyomingConnection>;

}  // namespace lv::wyoming
