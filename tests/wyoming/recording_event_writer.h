// An EventWriter that keeps what a service sends, for tests that drive a service's handler directly.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

#include "wyoming/wyoming_service.h"

namespace lv::test {

class RecordingEventWriter final : public wyoming::EventWriter {
 public:
  bool write(wyoming::Event event) override {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
    changed_.notify_all();
    return true;
  }

  // Waits until `count` events of `type` arrived (false after `timeout`).
  bool wait_for(const std::string& type, std::size_t count = 1,
                std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return count_locked(type) >= count; });
  }

  std::vector<wyoming::Event> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::size_t count(const std::string& type) const {
    std::lock_guard lock(mutex_);
    return count_locked(type);
  }

 private:
  std::size_t count_locked(const std::string& type) const {
    std::size_t n = 0;
    for (const auto& event : events_) {
      n += event.type == type ? 1 : 0;
    }
    return n;
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<wyoming::Event> events_;
};

}  // namespace lv::test
