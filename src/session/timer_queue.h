// One thread that runs callbacks at given times (turn-taking deadlines, timeouts, paced audio output).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace lv::session {

class TimerQueue {
 public:
  using Clock = std::chrono::steady_clock;
  using Callback = std::function<void()>;

  TimerQueue();
  // Drops pending callbacks without running them and joins the thread.
  ~TimerQueue();
  // The same, keeping the object: later schedule() calls are ignored. Idempotent.
  void stop();
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  // Runs `callback` on the timer thread at `when` (at once when it is past). Callbacks must be short: they
  // only hand work to an executor.
  void schedule(Clock::time_point when, Callback callback);
  void schedule_after(std::chrono::milliseconds delay, Callback callback) {
    schedule(Clock::now() + delay, std::move(callback));
  }

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::multimap<Clock::time_point, Callback> pending_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace lv::session
