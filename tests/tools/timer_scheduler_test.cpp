#include "tools/timer_scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "support/test_paths.h"

namespace lv::tools {
namespace {

class FakeClock {
 public:
  WallClock clock() {
    return [this] { return now_.load(); };
  }
  void advance(std::int64_t ms) { now_ += ms; }

 private:
  std::atomic<std::int64_t> now_{1'796'315'400'000};
};

// Collects fired events; wait_for_count waits on a condition, not a duration.
class Fired {
 public:
  TimerScheduler::Subscriber subscriber() {
    return [this](const TimerFired& event) {
      const std::lock_guard lock(mutex_);
      events_.push_back(event);
      changed_.notify_all();
    };
  }
  bool wait_for_count(std::size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(30), [&] { return events_.size() >= count; });
  }
  std::vector<TimerFired> events() {
    const std::lock_guard lock(mutex_);
    return events_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<TimerFired> events_;
};

TEST(TimerScheduler, FiresATimerOnceItIsDue) {
  const test::TempDir dir;
  FakeClock clock;
  Fired fired;
  TimerScheduler scheduler(std::make_shared<TimerStore>(timer_database_path(dir.path())), {clock.clock(), false});
  scheduler.subscribe(fired.subscriber());
  scheduler.start();
  const auto entry = scheduler.add_timer(5 * 60'000, "pasta");
  EXPECT_EQ(scheduler.poll(), 0U);
  clock.advance(5 * 60'000 - 1);
  EXPECT_EQ(scheduler.poll(), 0U);
  clock.advance(1);
  EXPECT_EQ(scheduler.poll(), 1U);
  const auto events = fired.events();
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].entry.id, entry.id);
  EXPECT_EQ(events[0].entry.label, "pasta");
  EXPECT_FALSE(events[0].missed);
  EXPECT_TRUE(scheduler.list().empty());
  EXPECT_EQ(scheduler.poll(), 0U);
}

TEST(TimerScheduler, ACancelledTimerNeverFires) {
  const test::TempDir dir;
  FakeClock clock;
  Fired fired;
  TimerScheduler scheduler(std::make_shared<TimerStore>(timer_database_path(dir.path())), {clock.clock(), false});
  scheduler.subscribe(fired.subscriber());
  scheduler.start();
  const auto entry = scheduler.add_timer(1000, "");
  EXPECT_TRUE(scheduler.cancel(entry.id));
  clock.advance(2000);
  EXPECT_EQ(scheduler.poll(), 0U);
  EXPECT_TRUE(fired.events().empty());
}

TEST(TimerScheduler, TimersSurviveARestartAndThoseThatPassedMeanwhileAreMissed) {
  const test::TempDir dir;
  FakeClock clock;
  {
    TimerScheduler first(std::make_shared<TimerStore>(timer_database_path(dir.path())), {clock.clock(), false});
    first.start();
    first.add_timer(60'000, "short");
    first.add_timer(3'600'000, "long");
  }
  clock.advance(10 * 60'000);  // the program was down for ten minutes
  Fired fired;
  TimerScheduler second(std::make_shared<TimerStore>(timer_database_path(dir.path())), {clock.clock(), false});
  second.subscribe(fired.subscriber());
  second.start();
  auto events = fired.events();
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].entry.label, "short");
  EXPECT_TRUE(events[0].missed);
  const auto pending = second.list();
  ASSERT_EQ(pending.size(), 1U);
  EXPECT_EQ(pending[0].label, "long");
  clock.advance(3'600'000);
  EXPECT_EQ(second.poll(), 1U);
  events = fired.events();
  ASSERT_EQ(events.size(), 2U);
  EXPECT_FALSE(events[1].missed);
}

TEST(TimerScheduler, ItsThreadFiresDueTimers) {
  const test::TempDir dir;
  Fired fired;
  TimerScheduler scheduler(std::make_shared<TimerStore>(timer_database_path(dir.path())), {});
  scheduler.subscribe(fired.subscriber());
  scheduler.start();
  scheduler.add_timer(20, "quick");
  scheduler.add_reminder(scheduler.now_ms() + 40, "call");
  ASSERT_TRUE(fired.wait_for_count(2));
  const auto events = fired.events();
  EXPECT_EQ(events[0].entry.label, "quick");
  EXPECT_EQ(events[1].entry.kind, TimerKind::reminder);
}

TEST(TimerScheduler, UnsubscribedCallbacksAreNotCalled) {
  const test::TempDir dir;
  FakeClock clock;
  Fired fired;
  TimerScheduler scheduler(std::make_shared<TimerStore>(timer_database_path(dir.path())), {clock.clock(), false});
  const auto id = scheduler.subscribe(fired.subscriber());
  scheduler.start();
  scheduler.add_timer(1, "");
  scheduler.unsubscribe(id);
  clock.advance(10);
  EXPECT_EQ(scheduler.poll(), 1U);
  EXPECT_TRUE(fired.events().empty());
}

}  // namespace
}  // namespace lv::tools
