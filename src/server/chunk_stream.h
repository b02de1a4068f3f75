// The ResponseStream behind streamed HTTP bodies: a bounded queue filled by a worker, drained by the socket.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "server/http_types.h"

namespace lv::server {

class ChunkStream final : public ResponseStream, public std::enable_shared_from_this<ChunkStream> {
 public:
  // `abandoned` turns true when the server gives up on open connections; writes then fail at once.
  ChunkStream(const boost::asio::any_io_executor& executor, const std::atomic<bool>& abandoned);

  bool write(std::string chunk) override;
  bool client_gone() const override;

  // Producer side: no more chunks will come.
  void finish();
  // Consumer side: the client went away (or the write failed); wakes a blocked producer.
  void mark_gone();

  // Consumer side, on the connection's executor: the next chunk, or nullopt once finished (or gone).
  // Waits on `timer()` when empty; the producer cancels it to wake the consumer.
  std::optional<std::string> try_pop(bool& finished);
  boost::asio::steady_timer& timer() { return timer_; }

 private:
  static constexpr std::size_t kMaxQueuedChunks = 64;

  mutable std::mutex mutex_;
  std::condition_variable not_full_;
  std::deque<std::string> queue_;
  bool finished_ = false;
  std::atomic<bool> gone_{false};
  const std::atomic<bool>& abandoned_;
  boost::asio::steady_timer timer_;
};

}  // namespace lv::server
