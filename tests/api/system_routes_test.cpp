#include "api/system_routes.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "server/http_server.h"
#include "server/test_client.h"

namespace lv::api {
namespace {

class SystemRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    board_ = std::make_shared<engine::EngineStatusBoard>();
    metrics_ = std::make_shared<metrics::Registry>();
    server::Router router;
    add_system_routes(router, SystemRoutesContext{std::chrono::steady_clock::now(), board_, metrics_});
    server_ = std::make_unique<server::HttpServer>(server::HttpServerOptions{}, std::move(router), metrics_);
    port_ = server_->start();
  }
  std::shared_ptr<engine::EngineStatusBoard> board_;
  metrics::RegistryPtr metrics_;
  std::unique_ptr<server::HttpServer> server_;
  std::uint16_t port_ = 0;
};

TEST_F(SystemRoutesTest, HealthReportsVersionAndUptime) {
  const auto response = lv::test::http_get(port_, "/health");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("Content-Type"), "application/json");
  const auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_TRUE(body["version"].is_string());
  EXPECT_TRUE(body["uptime_s"].is_number());
}

TEST_F(SystemRoutesTest, ReadyIs503WithReasonsUntilEnginesAreLoaded) {
  board_->set({engine::EngineKind::stt, "whisper:base.en", engine::EngineState::loading, ""});
  auto loading = lv::test::http_get(port_, "/ready");
  EXPECT_EQ(loading.status, 503);
  auto body = nlohmann::json::parse(loading.body);
  EXPECT_EQ(body["status"], "loading");
  EXPECT_NE(body["reasons"][0].get<std::string>().find("stt"), std::string::npos);

  board_->set({engine::EngineKind::stt, "whisper:base.en", engine::EngineState::ready, ""});
  board_->set({engine::EngineKind::llm, "llama:x.gguf", engine::EngineState::degraded, "model file missing"});
  board_->mark_loaded();
  auto ready = lv::test::http_get(port_, "/ready");
  EXPECT_EQ(ready.status, 200);
  body = nlohmann::json::parse(ready.body);
  EXPECT_EQ(body["status"], "degraded");
  EXPECT_EQ(body["engines"].size(), 2U);
  EXPECT_NE(body["reasons"][0].get<std::string>().find("model file missing"), std::string::npos);
}

TEST_F(SystemRoutesTest, MetricsUsePrometheusTextFormat) {
  (void)lv::test::http_get(port_, "/health");
  const auto response = lv::test::http_get(port_, "/metrics");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(response.body.find("# TYPE localvoice_http_requests_total counter"), std::string::npos);
  EXPECT_NE(response.body.find("route=\"/health\""), std::string::npos);
  EXPECT_NE(response.body.find("localvoice_uptime_seconds"), std::string::npos);
  EXPECT_NE(response.body.find("localvoice_active_sessions 0"), std::string::npos);
}

}  // namespace
}  // namespace lv::api
