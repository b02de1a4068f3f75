#include "kb/indexing_monitor.h"

namespace lv::kb {

void IndexingMonitor::report(std::size_t done, std::size_t total, const std::string& path) {
  {
    const std::lock_guard lock(mutex_);
    snapshot_.indexing = done < total;
    snapshot_.done = done;
    snapshot_.total = total;
    snapshot_.path = path;
    ++snapshot_.version;
  }
  changed_.notify_all();
}

IndexingSnapshot IndexingMonitor::snapshot() const {
  const std::lock_guard lock(mutex_);
  return snapshot_;
}

IndexingSnapshot IndexingMonitor::wait_for_change(std::uint64_t seen_version, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return snapshot_.version != seen_version; });
  return snapshot_;
}

}  // namespace lv::kb
