#include "session/task_pool.h"

#include <chrono>
#include <exception>
#include <utility>

#include "util/log.h"

namespace lv::session {

TaskPool::TaskPool(std::string name, int threads) : name_(std::move(name)) {
  const int count = threads > 0 ? threads : 1;
  threads_.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    threads_.emplace_back([this] { run(); });
  }
}

TaskPool::~TaskPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) {
    thread.join();
  }
}

void TaskPool::submit(std::uintptr_t owner, Task task) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(Entry{owner, std::move(task)});
  }
  wake_.notify_one();
}

void TaskPool::submit_first(std::uintptr_t owner, Task task) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_front(Entry{owner, std::move(task)});
  }
  wake_.notify_one();
}

std::size_t TaskPool::cancel_queued(std::uintptr_t owner) {
  std::vector<Task> dropped;
  {
    std::lock_guard lock(mutex_);
    for (auto it = queue_.begin(); it != queue_.end();) {
      if (it->owner == owner) {
        dropped.push_back(std::move(it->task));
        it = queue_.erase(it);
      } else {
        ++it;
      }
    }
  }
  return dropped.size();  // destroyed here, outside the lock
}

std::size_t TaskPool::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

bool TaskPool::idle() const {
  std::lock_guard lock(mutex_);
  return queue_.empty() && running_ == 0;
}

bool TaskPool::wait_idle(int timeout_ms) {
  std::unique_lock lock(mutex_);
  return became_idle_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                               [&] { return queue_.empty() && running_ == 0; });
}

void TaskPool::run() {
  for (;;) {
    Task task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {
        return;  // stopping and drained
      }
      task = std::move(queue_.front().task);
      queue_.pop_front();
      ++running_;
    }
    try {
      task();
    } catch (const std::exception& e) {
      // A task must never take a shared worker down with it; the session reports its own failures.
      log::error("task failed", {{"pool", name_}, {"error", e.what()}});
    } catch (...) {
      log::error("task failed", {{"pool", name_}, {"error", "unknown exception"}});
    }
    task = nullptr;
    {
      std::lock_guard lock(mutex_);
      --running_;
      if (queue_.empty() && running_ == 0) {
        became_idle_.notify_all();
      }
    }
  }
}

}  // namespace lv::session
