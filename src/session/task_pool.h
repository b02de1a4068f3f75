// A fixed set of worker threads running queued tasks in order; tasks carry an owner so one session's queued
// work can be dropped when it closes.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lv::session {

class TaskPool {
 public:
  using Task = std::function<void()>;

  TaskPool(std::string name, int threads);
  // Runs what is still queued, then joins the threads.
  ~TaskPool();
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  // Queues `task` on behalf of `owner` (0: nobody in particular). Tasks queued during shutdown still run.
  void submit(std::uintptr_t owner, Task task);
  // Queues `task` ahead of everything waiting (work a user is waiting for, before speculative work).
  void submit_first(std::uintptr_t owner, Task task);
  // Destroys the queued, not yet started tasks of `owner`; returns how many were dropped.
  std::size_t cancel_queued(std::uintptr_t owner);

  const std::string& name() const { return name_; }
  std::size_t queued() const;
  // Whether nothing is queued or running right now.
  bool idle() const;
  // Waits until idle() or `timeout_ms` passed; returns idle().
  bool wait_idle(int timeout_ms);

 private:
  struct Entry {
    std::uintptr_t owner = 0;
    Task task;
  };
  void run();

  std::string name_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Entry> queue_;
  std::condition_variable became_idle_;
  std::size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

using TaskPoolPtr = std::unique_ptr<TaskPool>;

}  // namespace lv::session
