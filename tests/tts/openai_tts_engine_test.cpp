#include "tts/openai_tts_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>

#include "api/speech_routes.h"
#include "audio/pcm.h"
#include "audio/wav.h"
#include "metrics/registry.h"
#include "net/fixture_http_server.h"
#include "server/http_server.h"
#include "tts/flite_engine.h"
#include "util/error.h"

namespace lv::tts {
namespace {

using ::testing::HasSubstr;

// LocalVoice's own speech route, served in-process with flite behind it.
class LocalVoiceServer {
 public:
  LocalVoiceServer() : flite_(std::make_shared<FliteEngine>("slt")) {
    server::Router router;
    api::add_speech_routes(router, flite_);
    server_ = std::make_unique<server::HttpServer>(server::HttpServerOptions{}, std::move(router),
                                                   std::make_shared<metrics::Registry>());
    server_->start();
  }
  ~LocalVoiceServer() { server_->stop(); }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/v1"; }
  FliteEngine& flite() { return *flite_; }

 private:
  std::shared_ptr<FliteEngine> flite_;
  std::unique_ptr<server::HttpServer> server_;
};

LocalVoiceServer& local_server() {
  static LocalVoiceServer instance;
  return instance;
}

OpenAiTtsSettings settings_for(std::string base_url, std::string format = "pcm") {
  OpenAiTtsSettings settings;
  settings.base_url = std::move(base_url);
  settings.response_format = std::move(format);
  settings.voice = "slt";
  settings.timeout_ms = 3000;
  return settings;
}

std::string synthesis_error(OpenAiTtsEngine& engine) {
  try {
    synthesize_to_buffer(engine, "Hello there.");
  } catch (const Error& e) {
    return std::string(e.what()) + " | " + e.fix();
  }
  return "no error";
}

TEST(OpenAiTtsEngine, StreamsPcmFromARealSpeechServer) {
  OpenAiTtsEngine engine(settings_for(local_server().base_url(), "pcm"));
  const std::string text = "The quick brown fox jumps over the lazy dog.";
  const auto local = synthesize_to_buffer(local_server().flite(), text);
  const auto remote = synthesize_to_buffer(engine, text);
  EXPECT_EQ(remote.audio.sample_rate_hz, 24000);
  EXPECT_NEAR(remote.audio.duration_s(), local.audio.duration_s(), 0.05);
  EXPECT_GT(audio::rms_dbfs(remote.audio.samples), -35.0);
  EXPECT_TRUE(engine.capabilities().streaming);
  EXPECT_GE(remote.result.time_to_first_audio_ms, 0.0);
}

TEST(OpenAiTtsEngine, WavRepliesAreResampledToTheDeclaredRate) {
  auto settings = settings_for(local_server().base_url(), "wav");
  settings.sample_rate_hz = 22050;
  OpenAiTtsEngine engine(settings);
  const auto remote = synthesize_to_buffer(engine, "Good morning.");
  const auto local = synthesize_to_buffer(local_server().flite(), "Good morning.");
  EXPECT_EQ(remote.audio.sample_rate_hz, 22050);
  EXPECT_NEAR(remote.audio.duration_s(), local.audio.duration_s(), 0.02);
}

TEST(OpenAiTtsEngine, SendsTheOpenAiRequestShape) {
  test::FixtureHttpServer fixture;
  fixture.on("/v1/audio/speech", [](const test::FixtureRequest&, test::FixtureResponder& out) {
    out.send(200, std::string(4800, '\0'), {}, "audio/pcm");
  });
  auto settings = settings_for(fixture.url() + "/", "pcm");  // no path: "/v1" is added
  settings.model = "kokoro";
  settings.api_key = "secret";
  OpenAiTtsEngine engine(settings);
  SynthesisOptions options;
  options.voice = "af_bella";
  options.speed = 1.5;
  const auto out = synthesize_to_buffer(engine, "Hi.", options);
  EXPECT_EQ(out.audio.samples.size(), 2400U);
  const auto requests = fixture.requests();
  ASSERT_EQ(requests.size(), 1U);
  const auto body = nlohmann::json::parse(requests[0].body);
  EXPECT_EQ(body["model"], "kokoro");
  EXPECT_EQ(body["voice"], "af_bella");
  EXPECT_EQ(body["input"], "Hi.");
  EXPECT_EQ(body["response_format"], "pcm");
  EXPECT_DOUBLE_EQ(body["speed"].get<double>(), 1.5);
  EXPECT_EQ(requests[0].header("authorization").value_or(""), "Bearer secret");
}

TEST(OpenAiTtsEngine, ConnectionRefusedIsAClearErrorFast) {
  std::string url;
  {
    test::FixtureHttpServer closed;
    url = closed.url("/v1");
  }
  OpenAiTtsEngine engine(settings_for(url));
  const auto started = std::chrono::steady_clock::now();
  EXPECT_THAT(synthesis_error(engine), HasSubstr("127.0.0.1"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

TEST(OpenAiTtsEngine, SilentServerTimesOut) {
  test::FixtureHttpServer fixture;
  fixture.on("/v1/audio/speech", [](const test::FixtureRequest&, test::FixtureResponder& out) { out.stall(); });
  auto settings = settings_for(fixture.url("/v1"));
  settings.timeout_ms = 300;
  OpenAiTtsEngine engine(settings);
  const auto started = std::chrono::steady_clock::now();
  const std::string error = synthesis_error(engine);
  EXPECT_NE(error, "no error");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  fixture.stop();
}

TEST(OpenAiTtsEngine, HttpErrorsCarryTheServersMessage) {
  test::FixtureHttpServer fixture;
  fixture.on("/v1/audio/speech", [](const test::FixtureRequest&, test::FixtureResponder& out) {
    out.send(500, R"({"error":{"message":"voice model crashed","type":"server_error"}})", {}, "application/json");
  });
  OpenAiTtsEngine engine(settings_for(fixture.url("/v1")));
  const std::string error = synthesis_error(engine);
  EXPECT_THAT(error, HasSubstr("HTTP 500"));
  EXPECT_THAT(error, HasSubstr("voice model crashed"));
}

TEST(OpenAiTtsEngine, MalformedRepliesAreRejected) {
  test::FixtureHttpServer fixture;
  fixture.on("/v1/audio/speech", [](const test::FixtureRequest& request, test::FixtureResponder& out) {
    if (request.body.find("\"wav\"") != std::string::npos) {
      out.send(200, "RIFF garbage that is not a wave file", {}, "audio/wav");
    } else {
      out.send(200, R"({"status":"ok"})", {}, "application/json");
    }
  });
  OpenAiTtsEngine wav_engine(settings_for(fixture.url("/v1"), "wav"));
  EXPECT_THAT(synthesis_error(wav_engine), HasSubstr("cannot read"));
  OpenAiTtsEngine pcm_engine(settings_for(fixture.url("/v1"), "pcm"));
  EXPECT_THAT(synthesis_error(pcm_engine), HasSubstr("instead of audio"));
}

TEST(OpenAiTtsEngine, StopTokenAbortsAStreamingReply) {
  test::FixtureHttpServer fixture;
  fixture.on("/v1/audio/speech", [](const test::FixtureRequest&, test::FixtureResponder& out) {
    out.begin(200, {{"Content-Type", "audio/pcm"}});
    while (out.write(std::string(480, '\x01')) && out.sleep_ms(10)) {
    }
  });
  OpenAiTtsEngine engine(settings_for(fixture.url("/v1")));
  std::stop_source stop;
  int chunks = 0;
  const auto result = engine.synthesize(
      "Hello.", {},
      [&](std::span<const float>) {
        if (++chunks == 3) {
          stop.request_stop();
        }
        return true;
      },
      stop.get_token());
  EXPECT_TRUE(result.cancelled);
  EXPECT_LT(chunks, 10);
  fixture.stop();
}

TEST(OpenAiTtsEngine, BadSettingsAreRejectedAtLoad) {
  EXPECT_THROW(OpenAiTtsEngine(settings_for("ftp://x")), Error);
  EXPECT_THROW(OpenAiTtsEngine(settings_for("http://x", "mp3")), Error);
}

}  // namespace
}  // namespace lv::tts
