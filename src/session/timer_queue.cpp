#include "session/timer_queue.h"

#include <exception>
#include <vector>

#include "util/log.h"

namespace lv::session {

TimerQueue::TimerQueue() : thread_([this] { run(); }) {}

TimerQueue::~TimerQueue() { stop(); }

void TimerQueue::stop() {
  std::multimap<Clock::time_point, Callback> dropped;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    dropped.swap(pending_);
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) {
    thread_.join();
  }
}

void TimerQueue::schedule(Clock::time_point when, Callback callback) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return;
    }
    pending_.emplace(when, std::move(callback));
  }
  wake_.notify_all();
}

void TimerQueue::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (pending_.empty()) {
      wake_.wait(lock);
      continue;
    }
    const auto when = pending_.begin()->first;
    if (Clock::now() < when) {
      wake_.wait_until(lock, when);
      continue;
    }
    Callback callback = std::move(pending_.begin()->second);
    pending_.erase(pending_.begin());
    lock.unlock();
    try {
      callback();
    } catch (const std::exception& e) {
      log::error("timer callback failed", {{"error", e.what()}});
    }
    callback = nullptr;  // captures released outside the lock
    lock.lock();
  }
}

}  // namespace lv::session
