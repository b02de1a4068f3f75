#include "api/timer_routes.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>

#include "metrics/registry.h"
#include "server/http_server.h"
#include "server/test_client.h"
#include "support/test_paths.h"
#include "tools/timer_store.h"

namespace lv::api {
namespace {

class TimerRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scheduler_ = std::make_shared<tools::TimerScheduler>(
        std::make_shared<tools::TimerStore>(tools::timer_database_path(dir_.path())),
        tools::TimerScheduler::Options{[this] { return now_.load(); }, false});
    server::Router router;
    add_timer_routes(router, scheduler_, tools::TimeZone::utc());
    server_ = std::make_unique<server::HttpServer>(server::HttpServerOptions{}, std::move(router),
                                                   std::make_shared<metrics::Registry>());
    port_ = server_->start();
  }

  test::TempDir dir_;
  std::atomic<std::int64_t> now_{1'796'315'400'000};  // 2026-12-03T16:30:00Z
  std::shared_ptr<tools::TimerScheduler> scheduler_;
  std::unique_ptr<server::HttpServer> server_;
  std::uint16_t port_ = 0;
};

TEST_F(TimerRoutesTest, EmptyListWhenNothingIsSet) {
  const auto response = test::http_get(port_, "/v1/timers");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["object"], "list");
  EXPECT_TRUE(body["data"].empty());
}

TEST_F(TimerRoutesTest, ListsPendingTimersSoonestFirstWithTheTimeLeft) {
  scheduler_->add_timer(600'000, "eggs");
  scheduler_->add_reminder(now_ + 300'000, "call mom");
  now_ += 60'000;
  const auto response = test::http_get(port_, "/v1/timers");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto body = nlohmann::json::parse(response.body);
  ASSERT_EQ(body["data"].size(), 2U);
  EXPECT_EQ(body["data"][0]["kind"], "reminder");
  EXPECT_EQ(body["data"][0]["label"], "call mom");
  EXPECT_EQ(body["data"][0]["due_at"], "2026-12-03T16:35:00+00:00");
  EXPECT_EQ(body["data"][0]["remaining_s"], 240);
  EXPECT_EQ(body["data"][1]["kind"], "timer");
  EXPECT_EQ(body["data"][1]["duration_s"], 600);
  EXPECT_EQ(body["data"][1]["remaining_s"], 540);
}

}  // namespace
}  // namespace lv::api
