#include "models/pull_monitor.h"

namespace lv::models {

void PullMonitor::start(const std::string& profile) {
  {
    const std::lock_guard lock(mutex_);
    snapshot_.state = PullState::pulling;
    snapshot_.profile = profile;
    snapshot_.files.clear();
    snapshot_.error.clear();
    ++snapshot_.version;
  }
  changed_.notify_all();
}

void PullMonitor::report(const PullProgress& progress) {
  {
    const std::lock_guard lock(mutex_);
    bool found = false;
    for (auto& file : snapshot_.files) {
      if (file.model == progress.model && file.file == progress.file) {
        file = progress;
        found = true;
      }
    }
    if (!found) {
      snapshot_.files.push_back(progress);
    }
    ++snapshot_.version;
  }
  changed_.notify_all();
}

void PullMonitor::finish() {
  {
    const std::lock_guard lock(mutex_);
    snapshot_.state = PullState::done;
    ++snapshot_.version;
  }
  changed_.notify_all();
}

void PullMonitor::fail(const std::string& error) {
  {
    const std::lock_guard lock(mutex_);
    snapshot_.state = PullState::failed;
    snapshot_.error = error;
    ++snapshot_.version;
  }
  changed_.notify_all();
}

PullSnapshot PullMonitor::snapshot() const {
  const std::lock_guard lock(mutex_);
  return snapshot_;
}

PullSnapshot PullMonitor::wait_for_change(std::uint64_t seen_version, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return snapshot_.version != seen_version; });
  return snapshot_;
}

}  // namespace lv::models
