// Knowledge-base indexing progress, shared between the indexer and the clients watching it (the web UI).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

namespace lv::kb {

struct IndexingSnapshot {
  bool indexing = false;  // a pass is under way (done < total)
  std::size_t done = 0;   // files finished in this pass
  std::size_t total = 0;  // files this pass looks at
  std::string path;       // the last file finished (relative to the knowledge folder)
  std::uint64_t version = 0;
};

// Thread-safe. The indexer reports each file; watchers wait for the next change.
class IndexingMonitor {
 public:
  // Matches KnowledgeBase's ProgressFn: a pass is over when done == total.
  void report(std::size_t done, std::size_t total, const std::string& path);
  IndexingSnapshot snapshot() const;
  // Returns as soon as the version differs from `seen_version`, or after `timeout` (the same snapshot).
  IndexingSnapshot wait_for_change(std::uint64_t seen_version, std::chrono::milliseconds timeout) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  IndexingSnapshot snapshot_;
};

}  // namespace lv::kb
