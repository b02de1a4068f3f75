// Counts a session's queued and running tasks so close() can wait until none of them is left.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>

namespace lv::session {

class WorkTracker {
 public:
  // Held by a task's closure: counted from creation until the closure is destroyed (run or dropped).
  class Ticket {
   public:
    explicit Ticket(std::shared_ptr<WorkTracker> tracker) : tracker_(std::move(tracker)) { tracker_->add(); }
    ~Ticket() {
      if (tracker_) {
        tracker_->done();
      }
    }
    Ticket(Ticket&& other) noexcept = default;
    Ticket& operator=(Ticket&&) = delete;
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;

   private:
    std::shared_ptr<WorkTracker> tracker_;
  };

  // Waits until at most `allowed` tasks are counted (the caller's own one, when it is one); false on timeout.
  bool wait_idle(std::size_t allowed, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return idle_.wait_for(lock, timeout, [&] { return count_ <= allowed; });
  }

  std::size_t count() const {
    std::lock_guard lock(mutex_);
    return count_;
  }

 private:
  void add() {
    std::lock_guard lock(mutex_);
    ++count_;
  }
  void done() {
    std::lock_guard lock(mutex_);
    --count_;
    idle_.notify_all();
  }

  mutable std::mutex mutex_;
  std::condition_variable idle_;
  std::size_t count_ = 0;
};

using WorkTrackerPtr = std::shared_ptr<WorkTracker>;

}  // namespace lv::session
