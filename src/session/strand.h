// Runs one session's logic tasks one at a time, in order, on a pool shared by all sessions.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "session/task_pool.h"
#include "session/work_tracker.h"

namespace lv::session {

class Strand : public std::enable_shared_from_this<Strand> {
 public:
  using Task = std::function<void()>;

  Strand(TaskPool& pool, std::uintptr_t owner, WorkTrackerPtr tracker);

  // Appends a task; false (and the task is dropped) once the strand is closed.
  bool post(Task task);
  // Control (interrupt, close): runs before everything already queued.
  bool post_urgent(Task task);
  // Drops queued tasks and refuses new ones; a running task finishes.
  void close();
  // Whether the calling thread is running one of this strand's tasks.
  bool in_strand() const { return running_thread_.load() == std::this_thread::get_id(); }

 private:
  bool enqueue(Task task, bool urgent);
  void drain();

  TaskPool& pool_;
  std::uintptr_t owner_;
  WorkTrackerPtr tracker_;
  std::mutex mutex_;
  std::deque<Task> queue_;
  bool scheduled_ = false;
  bool closed_ = false;
  std::atomic<std::thread::id> running_thread_{};
};

using StrandPtr = std::shared_ptr<Strand>;

}  // namespace lv::session
