// A real `localvoice serve` with real embedded engines, used through LocalVoice's own remote (openai:) clients:
// the server's OpenAI-compatible endpoints and the clients are checked against each other end to end.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "engine/engine_registry.h"
#include "llm/llm_engines.h"
#include "llm/tiny_model.h"
#include "server/test_client.h"
#include "stt/register_stt.h"
#include "stt/speech_fixtures.h"
#include "stt/wer.h"
#include "support/subprocess.h"
#include "support/test_paths.h"
#include "tts/tts_engines.h"

namespace lv::app {
namespace {

class ServeEnginesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    home_ = new lv::test::TempDir();
    const auto model = lv::test::make_tiny_gguf(home_->path());
    server_ = new lv::test::Subprocess(
        {lv::test::program_path().string(), "serve", "--port", "0", "--vad", "energy:", "--stt", "pocketsphinx:en-us",
         "--tts", "flite:slt", "--llm", "llama:" + model.string()},
        {{"HOME", home_->path().string()},
         {"HF_HUB_OFFLINE", "1"},  // tests reach only loopback: the first run's model download stays off
         {"XDG_CONFIG_HOME", (home_->path() / "config").string()},
         {"XDG_DATA_HOME", (home_->path() / "data").string()},
         {"XDG_CACHE_HOME", (home_->path() / "cache").string()},
         {"LOCALVOICE_LOG_FORMAT", "json"}});
    const auto line = server_->wait_for_log_line(
        [](const std::string& l) { return l.find("\"msg\":\"listening\"") != std::string::npos; },
        std::chrono::seconds(60));
    if (!line) {
      return;
    }
    // Engines load after the port opens; /ready turns 200 once they have.
    const auto port = nlohmann::json::parse(*line)["port"].get<std::uint16_t>();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (lv::test::http_get(port, "/ready").status != 200 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    port_ = port;
  }
  static void TearDownTestSuite() {
    server_->signal(SIGTERM);
    (void)server_->wait(std::chrono::seconds(10));
    delete server_;
    delete home_;
  }
  void SetUp() override { ASSERT_NE(port_, 0) << "server did not start:\n" << server_->stderr_text(); }
  static std::string base_url() { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }

  static lv::test::TempDir* home_;
  static lv::test::Subprocess* server_;
  static std::uint16_t port_;
};

lv::test::TempDir* ServeEnginesTest::home_ = nullptr;
lv::test::Subprocess* ServeEnginesTest::server_ = nullptr;
std::uint16_t ServeEnginesTest::port_ = 0;

TEST_F(ServeEnginesTest, ReadyListsEveryLoadedEngine) {
  const auto ready = lv::test::http_get(port_, "/ready");
  ASSERT_EQ(ready.status, 200) << ready.body;
  const auto body = nlohmann::json::parse(ready.body);
  EXPECT_EQ(body["status"], "ready") << ready.body;
  std::set<std::string> ready_kinds;
  for (const auto& engine : body["engines"]) {
    if (engine["state"] == "ready") {
      ready_kinds.insert(engine["kind"].get<std::string>());
    }
  }
  EXPECT_EQ(ready_kinds, (std::set<std::string>{"vad", "stt", "llm", "tts"})) << ready.body;
}

TEST_F(ServeEnginesTest, RemoteSttClientTranscribesThroughTheServer) {
  engine::EngineRegistry<stt::SttEngine> registry(engine::EngineKind::stt);
  stt::register_stt_engines(registry, {});
  const auto remote = registry.create(engine::parse_engine_url("openai:" + base_url() + "?model=pocketsphinx"));
  const std::string sentence = "turn on the kitchen light";
  const auto transcript = remote->transcribe(lv::test::flite_speech(sentence));
  EXPECT_LE(stt::word_error_rate(sentence, transcript.text), 0.4) << transcript.text;
}

TEST_F(ServeEnginesTest, RemoteTtsClientSpeaksThroughTheServer) {
  engine::EngineRegistry<tts::TtsEngine> registry(engine::EngineKind::tts);
  tts::register_tts_engines(registry);
  const auto remote = registry.create(engine::parse_engine_url("openai:" + base_url() + "?model=flite&format=wav"));
  const auto spoken = tts::synthesize_to_buffer(*remote, "Hello from the other side.");
  EXPECT_GT(spoken.audio.duration_s(), 0.8);
  EXPECT_LT(spoken.audio.duration_s(), 6.0);
}

TEST_F(ServeEnginesTest, RemoteLlmClientStreamsFromTheServer) {
  engine::EngineRegistry<llm::LlmEngine> registry(engine::EngineKind::llm);
  llm::register_llm_engines(registry);
  const auto remote = registry.create(engine::parse_engine_url("openai:" + base_url() + "?model=tiny"));
  auto session = remote->create_session();
  llm::ChatOptions options;
  options.max_tokens = 8;
  options.seed = 1;
  int deltas = 0;
  const auto result =
      session->chat({{llm::ChatRole::user, "Say hi"}}, options, [&deltas](const llm::ChatDelta&) { ++deltas; });
  EXPECT_EQ(result.finish_reason, llm::FinishReason::length) << result.error;
  EXPECT_GT(deltas, 0);
  EXPECT_EQ(result.timings.completion_tokens, 8);
}

}  // namespace
}  // namespace lv::app
