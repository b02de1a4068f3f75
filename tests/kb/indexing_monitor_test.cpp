#include "kb/indexing_monitor.h"

#include <gtest/gtest.h>

#include <thread>

namespace lv::kb {
namespace {

TEST(IndexingMonitorTest, APassRunsUntilDoneEqualsTotal) {
  IndexingMonitor monitor;
  EXPECT_FALSE(monitor.snapshot().indexing);
  monitor.report(0, 2, "");
  EXPECT_TRUE(monitor.snapshot().indexing);
  monitor.report(1, 2, "a.md");
  const auto middle = monitor.snapshot();
  EXPECT_TRUE(middle.indexing);
  EXPECT_EQ(middle.done, 1U);
  EXPECT_EQ(middle.path, "a.md");
  monitor.report(2, 2, "b.md");
  const auto end = monitor.snapshot();
  EXPECT_FALSE(end.indexing);
  EXPECT_EQ(end.total, 2U);
  EXPECT_GT(end.version, middle.version);
}

TEST(IndexingMonitorTest, WaitingReturnsOnTheNextReportOrAfterTheTimeout) {
  IndexingMonitor monitor;
  const auto seen = monitor.snapshot().version;
  EXPECT_EQ(monitor.wait_for_change(seen, std::chrono::milliseconds(20)).version, seen);
  std::thread reporter([&monitor] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    monitor.report(1, 4, "c.md");
  });
  const auto changed = monitor.wait_for_change(seen, std::chrono::seconds(10));
  reporter.join();
  EXPECT_NE(changed.version, seen);
  EXPECT_EQ(changed.path, "c.md");
}

}  // namespace
}  // namespace lv::kb
