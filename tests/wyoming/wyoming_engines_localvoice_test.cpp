// The wyoming:// stt and tts engines against LocalVoice's own Wyoming server (its asr and tts services): what
// one LocalVoice offers, another uses as engines.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "audio/pcm.h"
#include "engine/engine_registry.h"
#include "session/session_harness.h"
#include "session/session_runtime.h"
#include "stt/register_stt.h"
#include "stt/utterance_decoder.h"
#include "tts/flite_engine.h"
#include "tts/tts_engines.h"
#include "wyoming/asr_service.h"
#include "wyoming/tts_service.h"
#include "wyoming/wyoming_server.h"

namespace lv::wyoming {
namespace {

class LocalVoiceWyomingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    flite_ = std::make_shared<tts::FliteEngine>("slt");
    stt_ = std::make_shared<session::test::FakeStt>();
    std::vector<WyomingServicePtr> services;
    services.push_back(std::make_shared<AsrService>(
        [this] {
          return CurrentStt{stt_, "fake:", "a recognizer that hears pitch"};
        },
        runtime_));
    services.push_back(std::make_shared<TtsService>([this] { return CurrentTts{flite_, "flite:slt"}; }, runtime_));
    WyomingServerOptions options;
    options.uris = {"tcp://127.0.0.1:0"};
    server_ = std::make_unique<WyomingServer>(options, std::move(services));
    const auto bound = server_->start();
    ASSERT_EQ(bound.size(), 1U);
    url_ = "wyoming://127.0.0.1:" + std::to_string(bound[0].uri.port);
  }
  void TearDown() override {
    if (server_) {
      server_->stop();
    }
  }

  std::shared_ptr<session::SessionRuntime> runtime_ = std::make_shared<session::SessionRuntime>();
  std::shared_ptr<tts::FliteEngine> flite_;
  std::shared_ptr<session::test::FakeStt> stt_;
  std::unique_ptr<WyomingServer> server_;
  std::string url_;
};

TEST_F(LocalVoiceWyomingTest, TheSttEngineHearsWhatTheServersRecognizerHears) {
  engine::EngineRegistry<stt::SttEngine> registry(engine::EngineKind::stt);
  stt::register_stt_engines(registry, {});
  const auto engine = registry.create(registry.parse(url_));
  using session::test::operator+;
  const auto speech = session::test::quiet(0.2) + session::test::tone(0.8, 200) + session::test::quiet(0.2);
  EXPECT_EQ(engine->transcribe(speech).text, "what time is it");

  auto utterance = engine->open_utterance();
  for (std::size_t at = 0; at < speech.samples.size(); at += 1600) {
    const std::size_t count = std::min<std::size_t>(1600, speech.samples.size() - at);
    utterance->feed(std::span<const float>(speech.samples).subspan(at, count));
  }
  EXPECT_EQ(utterance->finish().text, "what time is it");
}

TEST_F(LocalVoiceWyomingTest, TheTtsEngineSpeaksWithTheServersVoice) {
  engine::EngineRegistry<tts::TtsEngine> registry(engine::EngineKind::tts);
  tts::register_tts_engines(registry);
  const auto engine = registry.create(registry.parse(url_ + "?voice=kal16&sample_rate=16000"));
  const std::string text = "Hello from the other LocalVoice.";
  const auto remote = tts::synthesize_to_buffer(*engine, text);
  tts::SynthesisOptions kal;
  kal.voice = "kal16";
  const auto local = tts::synthesize_to_buffer(*flite_, text, kal);
  ASSERT_FALSE(local.audio.samples.empty());
  EXPECT_EQ(remote.audio.sample_rate_hz, 16000);
  // The same voice at the same rate: the same length give or take a resampler's edge.
  EXPECT_NEAR(static_cast<double>(remote.audio.samples.size()), static_cast<double>(local.audio.samples.size()),
              0.02 * static_cast<double>(local.audio.samples.size()));
  EXPECT_GT(audio::rms_dbfs(remote.audio.samples), -35.0);
}

}  // namespace
}  // namespace lv::wyoming
