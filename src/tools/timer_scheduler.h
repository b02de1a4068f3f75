// Fires due timers and reminders to subscribers, on one thread of its own.
// Not session::TimerQueue: tools must not depend on the voice session (the session depends on tools), and
// these deadlines are wall-clock times that outlive the process, where TimerQueue keeps steady-clock ones in
// memory. The thread sleeps until the next due time (at most a minute, so a changed wall clock is noticed).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tools/local_time.h"
#include "tools/timer_entry.h"
#include "tools/timer_store.h"

namespace lv::tools {

class TimerScheduler {
 public:
  using Subscriber = std::function<void(const TimerFired&)>;

  struct Options {
    WallClock clock;         // default: util::epoch_ms
    bool run_thread = true;  // false: nothing fires until poll() is called (tests with a fake clock)
  };

  TimerScheduler(std::shared_ptr<TimerStore> store, Options options);
  // Stops the thread; pending timers stay in the store.
  ~TimerScheduler();
  TimerScheduler(const TimerScheduler&) = delete;
  TimerScheduler& operator=(const TimerScheduler&) = delete;

  // Reports every entry that fell due while the program was down (missed = true), then starts the thread.
  // Subscribe first. Idempotent.
  void start();
  void stop();

  // Subscribers run on the scheduler's thread (or poll()'s caller) and must be quick: hand work elsewhere.
  std::uint64_t subscribe(Subscriber subscriber);
  void unsubscribe(std::uint64_t id);

  TimerEntry add_timer(std::int64_t duration_ms, std::string label);
  TimerEntry add_reminder(std::int64_t due_at_ms, std::string text);
  std::vector<TimerEntry> list();
  bool cancel(std::int64_t id);
  std::int64_t now_ms() const { return clock_(); }

  // Fires what is due now; returns how many fired. The thread calls this; tests may too.
  std::size_t poll();

 private:
  std::size_t fire_due(bool missed);
  void run(const std::stop_token& stop);
  void wake();

  std::shared_ptr<TimerStore> store_;
  WallClock clock_;
  bool run_thread_;
  std::mutex subscribers_mutex_;
  std::map<std::uint64_t, Subscriber> subscribers_;
  std::uint64_t next_subscriber_ = 1;
  std::mutex wake_mutex_;
  std::condition_variable_any wake_;
  std::uint64_t changes_ = 0;
  std::mutex fire_mutex_;  // one firing pass at a time, so an entry is never reported twice
  bool started_ = false;
  std::jthread thread_;
};

}  // namespace lv::tools
