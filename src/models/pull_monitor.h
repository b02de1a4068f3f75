// Shares the progress of a running model download with whoever watches it (the web UI, /ready).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "models/model_store.h"

namespace lv::models {

enum class PullState { idle, pulling, done, failed };

struct PullSnapshot {
  PullState state = PullState::idle;
  std::string profile;
  std::vector<PullProgress> files;  // the latest progress of each file, in the order they started
  std::string error;                // for failed: what went wrong and what to do
  std::uint64_t version = 0;        // grows with every change
};

// Thread-safe. The puller reports; any number of watchers read snapshots or wait for the next change.
class PullMonitor {
 public:
  void start(const std::string& profile);
  void report(const PullProgress& progress);
  void finish();
  void fail(const std::string& error);

  PullSnapshot snapshot() const;
  // Waits until the version passes `seen_version` or `timeout` passes; returns the current snapshot.
  PullSnapshot wait_for_change(std::uint64_t seen_version, std::chrono::milliseconds timeout) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  PullSnapshot snapshot_;
};

}  // namespace lv::models
