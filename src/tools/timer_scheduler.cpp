#include "tools/timer_scheduler.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>

#include "util/clock.h"
#include "util/log.h"

namespace lv::tools {
namespace {

constexpr std::int64_t kMaxSleepMs = 60'000;

}  // namespace

TimerScheduler::TimerScheduler(std::shared_ptr<TimerStore> store, Options options)
    : store_(std::move(store)),
      clock_(options.clock ? std::move(options.clock) : WallClock(&util::epoch_ms)),
      run_thread_(options.run_thread) {}

TimerScheduler::~TimerScheduler() { stop(); }

void TimerScheduler::start() {
  {
    const std::lock_guard lock(wake_mutex_);
    if (started_) return;
    started_ = true;
  }
  fire_due(true);
  if (run_thread_) {
    thread_ = std::jthread([this](const std::stop_token& stop) { run(stop); });
  }
}

void TimerScheduler::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    wake();
    thread_.join();
  }
}

std::uint64_t TimerScheduler::subscribe(Subscriber subscriber) {
  const std::lock_guard lock(subscribers_mutex_);
  const auto id = next_subscriber_++;
  subscribers_.emplace(id, std::move(subscriber));
  return id;
}

void TimerScheduler::unsubscribe(std::uint64_t id) {
  const std::lock_guard lock(subscribers_mutex_);
  subscribers_.erase(id);
}

TimerEntry TimerScheduler::add_timer(std::int64_t duration_ms, std::string label) {
  TimerEntry entry;
  entry.kind = TimerKind::timer;
  entry.label = std::move(label);
  entry.created_at_ms = clock_();
  entry.due_at_ms = entry.created_at_ms + duration_ms;
  entry.duration_ms = duration_ms;
  entry = store_->add(std::move(entry));
  wake();
  return entry;
}

TimerEntry TimerScheduler::add_reminder(std::int64_t due_at_ms, std::string text) {
  TimerEntry entry;
  entry.kind = TimerKind::reminder;
  entry.label = std::move(text);
  entry.created_at_ms = clock_();
  entry.due_at_ms = due_at_ms;
  entry = store_->add(std::move(entry));
  wake();
  return entry;
}

std::vector<TimerEntry> TimerScheduler::list() { return store_->list(); }

bool TimerScheduler::cancel(std::int64_t id) {
  const bool removed = store_->remove(id);
  if (removed) wake();
  return removed;
}

std::size_t TimerScheduler::poll() { return fire_due(false); }

std::size_t TimerScheduler::fire_due(bool missed) {
  const std::lock_guard firing(fire_mutex_);
  const std::int64_t now = clock_();
  const auto due = store_->due(now);
  std::vector<Subscriber> subscribers;
  {
    const std::lock_guard lock(subscribers_mutex_);
    for (const auto& [id, subscriber] : subscribers_) subscribers.push_back(subscriber);
  }
  for (const auto& entry : due) {
    const TimerFired event{entry, missed, now};
    for (const auto& subscriber : subscribers) {
      try {
        subscriber(event);
      } catch (const std::exception& e) {
        log::error("timer subscriber failed", {{"error", e.what()}, {"timer_id", entry.id}});
      }
    }
    // Removed only once announced: a crash in between reports it again at the next start (as missed).
    store_->remove(entry.id);
  }
  return due.size();
}

void TimerScheduler::wake() {
  {
    const std::lock_guard lock(wake_mutex_);
    ++changes_;
  }
  wake_.notify_all();
}

void TimerScheduler::run(const std::stop_token& stop) {
  while (!stop.stop_requested()) {
    std::uint64_t seen = 0;
    {
      const std::lock_guard lock(wake_mutex_);
      seen = changes_;
    }
    try {
      poll();
    } catch (const std::exception& e) {
      log::error("timers could not be read", {{"error", e.what()}});
    }
    std::int64_t sleep_ms = kMaxSleepMs;
    try {
      if (const auto next = store_->next_due_ms())
        sleep_ms = std::clamp<std::int64_t>(*next - clock_(), 0, kMaxSleepMs);
    } catch (const std::exception& e) {
      log::error("timers could not be read", {{"error", e.what()}});
    }
    std::unique_lock lock(wake_mutex_);
    wake_.wait_for(lock, stop, std::chrono::milliseconds(sleep_ms), [&] { return changes_ != seen; });
  }
}

}  // namespace lv::tools
