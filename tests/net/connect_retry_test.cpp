#include "net/connect_retry.h"

#include <gtest/gtest.h>

#include <chrono>
#include <stop_token>

namespace lv::net {
namespace {

TEST(ConnectRetry, CountsAttempts) {
  ConnectRetry retry(60'000);
  EXPECT_EQ(retry.attempts(), 0);
  retry.start_attempt();
  retry.start_attempt();
  EXPECT_EQ(retry.attempts(), 2);
  EXPECT_EQ(retry.budget_ms(), 60'000);
}

TEST(ConnectRetry, ALargeBudgetIsNotExhaustedAndBoundsTheConnectTimeout) {
  const ConnectRetry retry(60'000);
  EXPECT_FALSE(retry.exhausted());
  EXPECT_LE(retry.connect_timeout_ms(), 60'000);
  EXPECT_GE(retry.connect_timeout_ms(), 100);
}

TEST(ConnectRetry, AnEmptyBudgetGivesUpAtOnceButStillAllowsAShortConnect) {
  const ConnectRetry retry(0);
  EXPECT_TRUE(retry.exhausted());
  EXPECT_EQ(retry.connect_timeout_ms(), 100);
}

TEST(ConnectRetry, WaitingEndsEarlyWhenStopped) {
  ConnectRetry retry(60'000);
  std::stop_source stop;
  stop.request_stop();
  EXPECT_FALSE(retry.wait(stop.get_token()));
  EXPECT_FALSE(sleep_unless_stopped(std::chrono::hours(1), stop.get_token()));
}

TEST(ConnectRetry, SleepingWithoutAStopRequestReportsTrue) {
  const std::stop_source stop;
  EXPECT_TRUE(sleep_unless_stopped(std::chrono::milliseconds(0), stop.get_token()));
}

}  // namespace
}  // namespace lv::net
