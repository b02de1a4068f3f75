#include "api/speech_routes.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "audio/pcm.h"
#include "audio/wav.h"
#include "metrics/registry.h"
#include "net/http_client.h"
#include "server/http_server.h"
#include "tts/flite_engine.h"

namespace lv::api {
namespace {

using nlohmann::json;

class SpeechRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    engine_ = std::make_shared<tts::FliteEngine>("slt");
    server::Router router;
    add_speech_routes(router, engine_);
    server_ = std::make_unique<server::HttpServer>(server::HttpServerOptions{}, std::move(router),
                                                   std::make_shared<metrics::Registry>());
    server_->start();
  }
  static void TearDownTestSuite() {
    server_->stop();
    server_.reset();
    engine_.reset();
  }

  static net::HttpClientResponse post(const json& body) { return post_raw(body.dump()); }
  static net::HttpClientResponse post_raw(std::string body) {
    net::HttpClientRequest request;
    request.method = "POST";
    request.url = "http://127.0.0.1:" + std::to_string(server_->port()) + "/v1/audio/speech";
    request.headers = {{"Content-Type", "application/json"}};
    request.body = std::move(body);
    request.total_timeout_ms = 20000;
    return net::http_request(request);
  }
  static std::string error_message(const net::HttpClientResponse& response) {
    return json::parse(response.body)["error"]["message"].get<std::string>();
  }

  static inline std::shared_ptr<tts::FliteEngine> engine_;
  static inline std::unique_ptr<server::HttpServer> server_;
};

TEST_F(SpeechRoutesTest, WavReplyHoldsSpeechAtTheEngineRate) {
  const auto response = post({{"model", "tts-1"}, {"input", "The quick brown fox jumps."}, {"voice", "alloy"}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("content-type").value_or(""), "audio/wav");
  const auto audio = audio::parse_wav(response.body);
  EXPECT_EQ(audio.sample_rate_hz, 16000);
  EXPECT_GT(audio.duration_s(), 1.0);
  EXPECT_LT(audio.duration_s(), 5.0);
  EXPECT_GT(audio::rms_dbfs(audio.samples), -35.0);
}

TEST_F(SpeechRoutesTest, PcmReplyIsStreamedAt24kHz) {
  const auto wav = audio::parse_wav(post({{"input", "The quick brown fox jumps."}}).body);
  const auto response = post({{"input", "The quick brown fox jumps."}, {"response_format", "pcm"}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("x-sample-rate").value_or(""), "24000");
  ASSERT_EQ(response.body.size() % 2, 0U);
  const double pcm_duration_s = static_cast<double>(response.body.size() / 2) / 24000.0;
  EXPECT_NEAR(pcm_duration_s, wav.duration_s(), 0.05);
}

TEST_F(SpeechRoutesTest, VoiceAndSpeedAreApplied) {
  const auto slow = audio::parse_wav(post({{"input", "Good morning everyone."}, {"speed", 0.5}}).body);
  const auto fast = audio::parse_wav(post({{"input", "Good morning everyone."}, {"speed", 2.0}}).body);
  EXPECT_GT(slow.duration_s(), fast.duration_s() * 2);
  const auto response = post({{"input", "Hello."}, {"voice", "kal16"}});
  EXPECT_EQ(response.status, 200);
}

TEST_F(SpeechRoutesTest, MarkdownIsNotSpoken) {
  const auto plain = audio::parse_wav(post({{"input", "Hello there."}}).body);
  const auto marked = audio::parse_wav(post({{"input", "**Hello** [there](https://example.com/a/b/c)."}}).body);
  EXPECT_NEAR(marked.duration_s(), plain.duration_s(), 0.1);
}

TEST_F(SpeechRoutesTest, BadRequestsGetOpenAiErrorsNamingTheField) {
  auto response = post({{"voice", "alloy"}});
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(error_message(response).find("input"), std::string::npos);
  response = post({{"input", "   "}});
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(error_message(response).find("empty"), std::string::npos);
  response = post({{"input", "Hi."}, {"response_format", "mp3"}});
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(error_message(response).find("wav"), std::string::npos);
  response = post({{"input", "Hi."}, {"speed", 9}});
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(error_message(response).find("speed"), std::string::npos);
  response = post({{"input", "Hi."}, {"voice", "darth"}});
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(error_message(response).find("slt"), std::string::npos);
  response = post({{"input", std::string(5000, 'a')}});
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(error_message(response).find("4096"), std::string::npos);
  response = post({{"input", "```\ncode\n```"}, {"model", 5}});
  EXPECT_EQ(response.status, 400);
  response = post_raw("{not json");
  EXPECT_EQ(response.status, 400);
  EXPECT_TRUE(json::parse(response.body)["error"].contains("type"));
}

TEST_F(SpeechRoutesTest, VoicesAreListed) {
  net::HttpClientRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(server_->port()) + "/v1/audio/voices";
  const auto response = net::http_request(request);
  ASSERT_EQ(response.status, 200);
  const auto body = json::parse(response.body);
  EXPECT_EQ(body["default"], "slt");
  EXPECT_EQ(body["voices"].size(), 4U);
}

}  // namespace
}  // namespace lv::api
