// A bound on the streaming speech-to-text decoders open at once across all sessions: each holds engine state
// (a PocketSphinx decoder is ~300 ms to make) and decodes in real time, so more of them than the stt pool can
// run would only queue; turns beyond the bound are decoded as a batch when they end, as before.
#pragma once

#include <atomic>

namespace lv::session {

class StreamSlots {
 public:
  explicit StreamSlots(int capacity) : free_(capacity) {}

  // True when a slot was free: it is held until give_back().
  bool try_take() {
    int free = free_.load();
    while (free > 0) {
      if (free_.compare_exchange_weak(free, free - 1)) {
        return true;
      }
    }
    return false;
  }
  void give_back() { ++free_; }

 private:
  std::atomic<int> free_;
};

}  // namespace lv::session
