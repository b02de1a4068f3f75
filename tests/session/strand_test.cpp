#include "session/strand.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "session/task_pool.h"
#include "session/timer_queue.h"

namespace lv::session {
namespace {

TEST(Strand, RunsTasksOneAtATimeInOrderOnASharedPool) {
  TaskPool pool("test", 4);
  auto tracker = std::make_shared<WorkTracker>();
  auto strand = std::make_shared<Strand>(pool, 1, tracker);
  std::vector<int> order;
  std::atomic<int> inside{0};
  std::atomic<bool> overlapped{false};
  for (int i = 0; i < 200; ++i) {
    strand->post([&, i] {
      if (inside.fetch_add(1) != 0) {
        overlapped = true;
      }
      order.push_back(i);
      inside.fetch_sub(1);
    });
  }
  ASSERT_TRUE(tracker->wait_idle(0, std::chrono::seconds(5)));
  EXPECT_FALSE(overlapped);
  ASSERT_EQ(order.size(), 200U);
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
  }
}

TEST(Strand, UrgentTasksJumpTheQueueAndCloseDropsTheRest) {
  TaskPool pool("test", 1);
  auto tracker = std::make_shared<WorkTracker>();
  auto strand = std::make_shared<Strand>(pool, 1, tracker);
  std::atomic<bool> release{false};
  std::atomic<bool> started{false};
  std::vector<std::string> ran;
  strand->post([&] {
    started = true;
    while (!release) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ran.push_back("first");
  });
  while (!started) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  strand->post([&] { ran.push_back("data"); });
  strand->post_urgent([&] { ran.push_back("control"); });
  release = true;
  ASSERT_TRUE(tracker->wait_idle(0, std::chrono::seconds(5)));
  EXPECT_EQ(ran, (std::vector<std::string>{"first", "control", "data"}));
  strand->close();
  EXPECT_FALSE(strand->post([&] { ran.push_back("late"); }));
}

TEST(TaskPool, CancelQueuedDropsOnlyThatOwnersWaitingTasks) {
  TaskPool pool("test", 1);
  std::atomic<bool> release{false};
  std::atomic<int> a_ran{0};
  std::atomic<int> b_ran{0};
  pool.submit(0, [&] {
    while (!release) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  for (int i = 0; i < 5; ++i) {
    pool.submit(1, [&] { ++a_ran; });
    pool.submit(2, [&] { ++b_ran; });
  }
  EXPECT_EQ(pool.cancel_queued(1), 5U);
  release = true;
  ASSERT_TRUE(pool.wait_idle(5000));
  EXPECT_EQ(a_ran, 0);
  EXPECT_EQ(b_ran, 5);
}

TEST(TimerQueue, RunsCallbacksInTimeOrderAndDropsThemOnStop) {
  TimerQueue timers;
  std::mutex mutex;
  std::vector<int> fired;
  timers.schedule_after(std::chrono::milliseconds(40), [&] {
    std::lock_guard lock(mutex);
    fired.push_back(2);
  });
  timers.schedule_after(std::chrono::milliseconds(5), [&] {
    std::lock_guard lock(mutex);
    fired.push_back(1);
  });
  timers.schedule_after(std::chrono::hours(1), [&] {
    std::lock_guard lock(mutex);
    fired.push_back(3);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  timers.stop();
  std::lock_guard lock(mutex);
  EXPECT_EQ(fired, (std::vector<int>{1, 2}));
}

}  // namespace
}  // namespace lv::session
