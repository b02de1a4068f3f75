// The first run of a real `localvoice serve`: the recommended profile (here one tiny language model, served by
// a local stand-in for the model hub) is downloaded in the background, swapped in without a restart, open
// conversations are told, and the next one answers with the model. Offline, nothing is fetched.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "llm/tiny_model_suite.h"
#include "models/file_hash.h"
#include "net/fixture_http_server.h"
#include "server/realtime_client.h"
#include "server/test_client.h"
#include "support/subprocess.h"
#include "support/test_paths.h"

namespace lv::app {
namespace {

using nlohmann::json;
namespace http = boost::beast::http;

constexpr const char* kModelPath = "/org/tiny/resolve/main/tiny.gguf";

class RecommendedModelsTest : public test::TinyModelSuite {
 protected:
  void SetUp() override {
    // HEAD (the start-up probe) answers at once; the download itself waits until the test lets it through,
    // so that a conversation is open before the new engine arrives.
    hub_.on(kModelPath, [this](const test::FixtureRequest& request, test::FixtureResponder& out) {
      if (request.method == "HEAD" && refuse_probe_) {
        out.drop();
        return;
      }
      while (request.method != "HEAD" && !release_.load()) {
        if (!out.sleep_ms(20)) {
          return;
        }
      }
      out.send_file(*model_);
    });
    write_catalog();
  }

  // The catalog's small profile holds one model: the tiny GGUF, with its real size and hash.
  void write_catalog() const {
    std::ifstream in(*model_, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    models::Hasher hasher;
    hasher.update(bytes.str());
    const json file{{"name", "tiny.gguf"},
                    {"source", {{"huggingface", {{"repo", "org/tiny"}, {"revision", "main"}, {"path", "tiny.gguf"}}}}},
                    {"size_bytes", bytes.str().size()},
                    {"sha256", hasher.finish().sha256}};
    const json catalog{
        {"schema_version", 1},
        {"models",
         {{{"name", "llama:tiny-test"},
           {"role", "llm"},
           {"description", "a random-weight test model"},
           {"license", "Apache-2.0"},
           {"ram_bytes", 1000000},
           {"verified", true},
           {"files", {file}}}}},
        {"profiles", {{"small", {{"description", "test"}, {"ram_bytes", 1000000}, {"models", {"llama:tiny-test"}}}}}}};
    std::filesystem::create_directories(home());
    std::ofstream(home() / "catalog.json") << catalog.dump(2);
  }

  std::filesystem::path home() const {
    return dir_->path() / ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }

  // Starts serve and returns its port once /ready answers 200 (0 on failure).
  std::uint16_t start(const std::vector<std::string>& extra_args, const std::string& hub_url) {
    std::filesystem::create_directories(home());
    std::vector<std::string> argv{test::program_path().string(), "serve", "--port", "0", "--vad", "energy:"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    process_ = std::make_unique<test::Subprocess>(
        argv, std::map<std::string, std::string>{{"HOME", home().string()},
                                                 {"XDG_CONFIG_HOME", (home() / "config").string()},
                                                 {"XDG_DATA_HOME", (home() / "data").string()},
                                                 {"XDG_CACHE_HOME", (home() / "cache").string()},
                                                 {"HF_ENDPOINT", hub_url},
                                                 {"LOCALVOICE_PATHS_CATALOG_FILE", (home() / "catalog.json").string()},
                                                 {"LOCALVOICE_LOG_FORMAT", "json"},
                                                 {"LOCALVOICE_SESSION_MAX_REPLY_TOKENS", "8"}});
    const auto line = process_->wait_for_log_line(
        [](const std::string& l) { return l.find("\"msg\":\"listening\"") != std::string::npos; },
        std::chrono::seconds(60));
    if (!line) {
      return 0;
    }
    const auto port = json::parse(*line)["port"].get<std::uint16_t>();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (test::http_get(port, "/ready").status != 200 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return port;
  }

  void TearDown() override {
    release_ = true;
    if (process_) {
      process_->signal(SIGTERM);
      EXPECT_EQ(process_->wait(std::chrono::seconds(15)), 0) << process_->stderr_text();
    }
  }

  static json engine_of(const json& engines, const std::string& kind) {
    for (const auto& engine : engines) {
      if (engine["kind"] == kind) {
        return engine;
      }
    }
    return nullptr;
  }

  // A typed turn on a new conversation; returns response.done.
  static json typed_turn(std::uint16_t port, const std::string& text) {
    test::RealtimeClient client(port);
    (void)client.wait_for_type("session.created", std::chrono::seconds(10));
    client.send(
        {{"type", "conversation.item.create"},
         {"item", {{"type", "message"}, {"role", "user"}, {"content", {{{"type", "input_text"}, {"text", text}}}}}}});
    return client.wait_for_type("response.done", std::chrono::seconds(60));
  }

  test::FixtureHttpServer hub_;
  std::atomic<bool> release_{false};
  std::atomic<bool> refuse_probe_{false};
  std::unique_ptr<test::Subprocess> process_;
};

TEST_F(RecommendedModelsTest, FirstRunDownloadsTheModelSwapsItInAndTellsOpenConversations) {
  const auto port = start({}, hub_.url());
  ASSERT_NE(port, 0) << process_->stderr_text();

  // Before the model arrives: a conversation without a language model, told so in plain words.
  test::RealtimeClient open(port);
  const auto created = open.wait_for_type("session.created", std::chrono::seconds(10));
  ASSERT_FALSE(created.is_null());
  const auto degraded = created["session"]["degraded"].dump();
  EXPECT_NE(degraded.find("Language model: not installed"), std::string::npos) << degraded;
  EXPECT_EQ(degraded.find("/"), std::string::npos) << "no paths in the banner lines: " << degraded;

  const auto catalog = json::parse(test::http_get(port, "/v1/models/catalog").body);
  EXPECT_EQ(catalog["missing"], json::array({"llama:tiny-test"}));
  EXPECT_EQ(catalog["offline"], false);
  EXPECT_EQ(catalog["models"][0]["license"], "Apache-2.0");
  EXPECT_EQ(catalog["missing_bytes"], std::filesystem::file_size(*model_));

  release_ = true;
  const auto updated = open.wait_for_type("engines.updated", std::chrono::seconds(60));
  ASSERT_FALSE(updated.is_null()) << process_->stderr_text();
  EXPECT_NE(updated["message"].get<std::string>().find("Language model"), std::string::npos) << updated.dump();
  EXPECT_EQ(engine_of(updated["engines"], "llm")["state"], "ready") << updated.dump();

  const auto ready = json::parse(test::http_get(port, "/ready").body);
  EXPECT_EQ(engine_of(ready["engines"], "llm")["url"], "llama:tiny-test") << ready.dump();
  EXPECT_TRUE(json::parse(test::http_get(port, "/v1/models/catalog").body)["missing"].empty());
  EXPECT_EQ(hub_.request_count(kModelPath), 2U);  // the probe and the one download

  // The next conversation is answered by the downloaded model, not the no-model fallback.
  const auto done = typed_turn(port, "hello there");
  ASSERT_FALSE(done.is_null()) << process_->stderr_text();
  EXPECT_EQ(done["response"]["status"], "completed");
  const auto answer = done["response"]["generated_text"].get<std::string>();
  EXPECT_FALSE(answer.empty());
  EXPECT_EQ(answer.find("models pull"), std::string::npos) << answer;
  EXPECT_EQ(answer.find("language model"), std::string::npos) << answer;
}

TEST_F(RecommendedModelsTest, OfflineFetchesNothingAndThePullRouteSaysWhy) {
  const auto port = start({"--offline"}, hub_.url());
  ASSERT_NE(port, 0) << process_->stderr_text();
  EXPECT_EQ(json::parse(test::http_get(port, "/v1/models/catalog").body)["offline"], true);
  const auto pull = test::http_call(port, http::verb::post, "/v1/models/pull", "{}");
  EXPECT_EQ(pull.status, 409);
  EXPECT_EQ(json::parse(pull.body)["error"]["code"], "offline");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(hub_.request_count(), 0U);  // not even the probe
}

TEST_F(RecommendedModelsTest, UnreachableSourceCostsOneProbeAndTheButtonStartsTheDownload) {
  refuse_probe_ = true;
  release_ = true;
  const auto port = start({}, hub_.url());
  ASSERT_NE(port, 0) << process_->stderr_text();
  const auto probed = process_->wait_for_log_line(
      [](const std::string& l) { return l.find("model source not reachable") != std::string::npos; },
      std::chrono::seconds(20));
  ASSERT_TRUE(probed.has_value()) << process_->stderr_text();
  EXPECT_EQ(hub_.request_count(kModelPath), 1U);
  EXPECT_NE(test::http_get(port, "/v1/models/pull").body.find("event: idle"), std::string::npos);

  // What the web UI's "Download recommended models" button sends.
  test::RealtimeClient open(port);
  ASSERT_FALSE(open.wait_for_type("session.created", std::chrono::seconds(10)).is_null());
  const auto pull = test::http_call(port, http::verb::post, "/v1/models/pull", R"({"profile":"small"})");
  EXPECT_EQ(pull.status, 202) << pull.body;
  EXPECT_EQ(json::parse(pull.body)["state"], "pulling");
  const auto events = test::http_get(port, "/v1/models/pull").body;  // streams until the download ends
  EXPECT_NE(events.find("event: done"), std::string::npos) << events;
  EXPECT_FALSE(open.wait_for_type("engines.updated", std::chrono::seconds(60)).is_null());
  // Asking again when nothing is missing is answered at once.
  EXPECT_EQ(test::http_call(port, http::verb::post, "/v1/models/pull").status, 200);
}

}  // namespace
}  // namespace lv::app
