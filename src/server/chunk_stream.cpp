#include "server/chunk_stream.h"

#include <boost/asio/post.hpp>

#include <chrono>

namespace lv::server {

ChunkStream::ChunkStream(const boost::asio::any_io_executor& executor, const std::atomic<bool>& abandoned)
    : abandoned_(abandoned), timer_(executor) {
  timer_.expires_at(boost::asio::steady_timer::time_point::max());
}

bool ChunkStream::write(std::string chunk) {
  {
    std::unique_lock lock(mutex_);
    // Backpressure: a producer faster than the client waits here (on its worker thread, never on I/O).
    while (queue_.size() >= kMaxQueuedChunks && !client_gone()) {
      not_full_.wait_for(lock, std::chrono::milliseconds(50));
    }
    if (client_gone() || finished_) {
      return false;
    }
    queue_.push_back(std::move(chunk));
  }
  // Wake the consumer on its own executor; see try_pop for why this cannot be lost.
  boost::asio::post(timer_.get_executor(), [self = shared_from_this()] { self->timer_.cancel(); });
  return true;
}

bool ChunkStream::client_gone() const { return gone_.load() || abandoned_.load(); }

void ChunkStream::finish() {
  {
    const std::lock_guard lock(mutex_);
    finished_ = true;
  }
  boost::asio::post(timer_.get_executor(), [self = shared_from_this()] { self->timer_.cancel(); });
}

void ChunkStream::mark_gone() {
  gone_ = true;
  not_full_.notify_all();
}

std::optional<std::string> ChunkStream::try_pop(bool& finished) {
  // Runs on the connection's executor. The check and the following wait happen in one step of that
  // executor, and wake-ups are posted to it, so a wake-up always lands after the wait started.
  const std::lock_guard lock(mutex_);
  finished = finished_ && queue_.empty();
  if (queue_.empty()) {
    return std::nullopt;
  }
  std::string chunk = std::move(queue_.front());
  queue_.pop_front();
  not_full_.notify_one();
  return chunk;
}

}  // namespace lv::server
