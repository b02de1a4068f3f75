#include "session/strand.h"

#include <exception>
#include <utility>

#include "util/log.h"

namespace lv::session {

namespace {
// Tasks run per turn on the pool, so one busy session cannot hold a shared thread for long.
constexpr int kTasksPerTurn = 32;
}  // namespace

Strand::Strand(TaskPool& pool, std::uintptr_t owner, WorkTrackerPtr tracker)
    : pool_(pool), owner_(owner), tracker_(std::move(tracker)) {}

bool Strand::post(Task task) { return enqueue(std::move(task), false); }

bool Strand::post_urgent(Task task) { return enqueue(std::move(task), true); }

bool Strand::enqueue(Task task, bool urgent) {
  bool schedule = false;
  {
    std::lock_guard lock(mutex_);
    if (closed_) {
      return false;
    }
    if (urgent) {
      queue_.push_front(std::move(task));
    } else {
      queue_.push_back(std::move(task));
    }
    if (!scheduled_) {
      scheduled_ = true;
      schedule = true;
    }
  }
  if (schedule) {
    pool_.submit(owner_, [self = shared_from_this(), ticket = std::make_shared<WorkTracker::Ticket>(tracker_)] {
      self->drain();
    });
  }
  return true;
}

void Strand::close() {
  std::deque<Task> dropped;
  std::lock_guard lock(mutex_);
  closed_ = true;
  dropped.swap(queue_);
  // `dropped` dies after the lock is released (declared first): tasks' captures may post again.
}

void Strand::drain() {
  for (int i = 0; i < kTasksPerTurn; ++i) {
    Task task;
    {
      std::lock_guard lock(mutex_);
      if (queue_.empty() || closed_) {
        scheduled_ = false;
        return;
      }
      task = std::move(queue_.front());
      queue_.pop_front();
      running_thread_ = std::this_thread::get_id();
    }
    try {
      task();
    } catch (const std::exception& e) {
      log::error("session task failed", {{"error", e.what()}});
    }
    task = nullptr;
    running_thread_ = std::thread::id{};
  }
  // More work is left: go to the back of the pool's queue so other sessions get a turn.
  pool_.submit(
      owner_, [self = shared_from_this(), ticket = std::make_shared<WorkTracker::Ticket>(tracker_)] { self->drain(); });
}

}  // namespace lv::session
