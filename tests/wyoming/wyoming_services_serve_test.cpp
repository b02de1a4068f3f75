// The tts and handle services inside a running `localvoice serve --wyoming`, driven by python3-wyoming's own
// client: plain and streamed synthesis with flite, and a knowledge-base answer kept in one conversation across
// connections.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "support/subprocess.h"
#include "support/test_paths.h"

namespace lv::wyoming {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class WyomingServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(test::program_path())) {
      GTEST_SKIP() << "build the localvoice program first";
    }
    const auto kb = home_.path() / "data" / "localvoice" / "knowledge";
    std::filesystem::create_directories(kb);
    std::ofstream(kb / "wifi.md") << "# Wi-Fi\n\nThe guest network password is on the card under the router.\n";
    server_ = std::make_unique<test::Subprocess>(
        std::vector<std::string>{test::program_path().string(), "serve", "--port", "0", "--vad", "energy:", "--tts",
                                 "flite:slt", "--wyoming", "tcp://127.0.0.1:0"},
        std::map<std::string, std::string>{{"HOME", home_.path().string()},
                                           {"HF_HUB_OFFLINE", "1"},
                                           {"XDG_CONFIG_HOME", (home_.path() / "config").string()},
                                           {"XDG_DATA_HOME", (home_.path() / "data").string()},
                                           {"XDG_CACHE_HOME", (home_.path() / "cache").string()},
                                           {"LOCALVOICE_LOG_FORMAT", "json"}});
    const auto listening = server_->wait_for_log_line(
        [](const std::string& l) { return l.find("\"msg\":\"wyoming listening\"") != std::string::npos; }, 60s);
    ASSERT_TRUE(listening.has_value()) << server_->stderr_text();
    uri_ = "tcp://127.0.0.1:" + std::to_string(json::parse(*listening)["port"].get<int>());
    ASSERT_TRUE(server_->wait_for_log_line(
        [](const std::string& l) { return l.find("\"msg\":\"knowledge base ready\"") != std::string::npos; }, 120s))
        << server_->stderr_text();
  }

  void TearDown() override {
    if (server_) {
      server_->signal(SIGTERM);
      (void)server_->wait(10s);
    }
  }

  // Runs tests/wyoming/wyoming_test_client.py and parses what it printed.
  json client(std::vector<std::string> args) {
    std::vector<std::string> argv{"/usr/bin/python3",
                                  (test::source_dir() / "tests" / "wyoming" / "wyoming_test_client.py").string(),
                                  "--uri", uri_};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto result = test::run_program(argv, {}, 120s);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.exit_code == 0 ? json::parse(result.out) : json::object();
  }

  test::TempDir home_;
  std::unique_ptr<test::Subprocess> server_;
  std::string uri_;
};

TEST_F(WyomingServeTest, FliteSpeaksPlainAndStreamedTextAtTheAdvertisedRate) {
  const json info = client({"--mode", "describe"});
  ASSERT_FALSE(info["tts"].empty()) << info.dump();
  EXPECT_EQ(info["tts"][0]["supports_synthesize_streaming"], true);
  EXPECT_EQ(info["tts"][0]["installed"], true);

  const std::string text = "The quick brown fox jumps over the lazy dog. Then it runs into the forest.";  // 15 words
  const json plain = client({"--mode", "synthesize", "--text", text});
  EXPECT_EQ(plain["types"], json::array({"audio-start", "audio-chunk", "audio-stop"}));
  EXPECT_EQ(plain["rate"], 16000);  // flite's voices
  EXPECT_EQ(plain["width"], 2);
  EXPECT_EQ(plain["channels"], 1);
  const double plain_s = plain["seconds"].get<double>();
  EXPECT_GT(plain_s, 15 / 5.0) << "faster than five words a second";
  EXPECT_LT(plain_s, 15 / 1.5) << "slower than one and a half words a second";
  EXPECT_GT(plain["rms"].get<double>(), 0.01) << "silent";

  const json streamed = client({"--mode", "stream", "--text", text});
  EXPECT_EQ(streamed["types"], json::array({"audio-start", "audio-chunk", "audio-stop", "synthesize-stopped"}));
  EXPECT_EQ(streamed["starts"], 1);
  EXPECT_EQ(streamed["rate"], 16000);
  EXPECT_NEAR(streamed["seconds"].get<double>(), plain_s, plain_s * 0.2) << "spoken once, not twice";
  EXPECT_GT(streamed["rms"].get<double>(), 0.01);
}

TEST_F(WyomingServeTest, HandleAnswersFromTheKnowledgeBaseInOneConversationAcrossConnections) {
  const json info = client({"--mode", "describe"});
  ASSERT_FALSE(info["handle"].empty()) << info.dump();
  EXPECT_EQ(info["handle"][0]["supports_handled_streaming"], true);

  const json first =
      client({"--mode", "handle", "--text", "where is the guest network password", "--conversation-id", "c1"});
  EXPECT_EQ(first["type"], "handled") << first.dump();
  EXPECT_NE(first["text"].get<std::string>().find("on the card under the router"), std::string::npos) << first.dump();
  EXPECT_EQ(first["context"]["conversation_id"], "c1");
  EXPECT_FALSE(first["chunks"].get<std::string>().empty()) << "streamed as handled-chunk events";

  const json second =
      client({"--mode", "handle", "--text", "and the guest network password again please", "--conversation-id", "c1"});
  EXPECT_EQ(second["type"], "handled") << second.dump();
  EXPECT_EQ(second["context"]["conversation_id"], "c1");
}

}  // namespace
}  // namespace lv::wyoming
