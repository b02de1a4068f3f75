#include "api/model_routes.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <thread>

#include "metrics/registry.h"
#include "server/http_server.h"
#include "server/test_client.h"

namespace lv::api {
namespace {

struct Event {
  std::string name;
  nlohmann::json data;
};

std::vector<Event> parse_events(const std::string& body) {
  std::vector<Event> events;
  std::size_t pos = 0;
  while ((pos = body.find("event: ", pos)) != std::string::npos) {
    const auto name_end = body.find('\n', pos);
    const auto data_start = body.find("data: ", name_end) + 6;
    const auto data_end = body.find('\n', data_start);
    events.push_back({body.substr(pos + 7, name_end - pos - 7),
                      nlohmann::json::parse(body.substr(data_start, data_end - data_start))});
    pos = data_end;
  }
  return events;
}

class ModelRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    monitor_ = std::make_shared<models::PullMonitor>();
    server::Router router;
    add_model_routes(router, monitor_);
    server_ = std::make_unique<server::HttpServer>(server::HttpServerOptions{}, std::move(router),
                                                   std::make_shared<metrics::Registry>());
    port_ = server_->start();
  }
  std::shared_ptr<models::PullMonitor> monitor_;
  std::unique_ptr<server::HttpServer> server_;
  std::uint16_t port_ = 0;
};

TEST_F(ModelRoutesTest, StreamsProgressUntilTheDownloadEnds) {
  monitor_->start("small");
  std::thread puller([this] {
    for (std::uint64_t have = 0; have <= 300; have += 100) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      monitor_->report({"whisper:base.en", "ggml-base.en.bin", have, 300, 1000.0, 0.1, have == 300});
    }
    monitor_->finish();
  });
  const auto response = lv::test::http_get(port_, "/v1/models/pull");
  puller.join();
  EXPECT_EQ(response.header("Content-Type"), "text/event-stream");
  const auto events = parse_events(response.body);
  ASSERT_GE(events.size(), 2U) << response.body;
  EXPECT_EQ(events.back().name, "done");
  EXPECT_EQ(events.back().data["profile"], "small");
  const auto& last_progress = events[events.size() - 2];
  EXPECT_EQ(last_progress.name, "progress");
  EXPECT_EQ(last_progress.data["model"], "whisper:base.en");
  EXPECT_EQ(last_progress.data["have_bytes"], 300);
  EXPECT_EQ(last_progress.data["done"], true);
}

TEST_F(ModelRoutesTest, ReportsFailuresWithTheReason) {
  monitor_->start("small");
  monitor_->fail("the machine appears to be offline");
  const auto events = parse_events(lv::test::http_get(port_, "/v1/models/pull").body);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].name, "error");
  EXPECT_EQ(events[0].data["message"], "the machine appears to be offline");
}

TEST_F(ModelRoutesTest, SaysIdleWhenNoDownloadWasAskedFor) {
  const auto events = parse_events(lv::test::http_get(port_, "/v1/models/pull").body);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].name, "idle");
}

}  // namespace
}  // namespace lv::api
