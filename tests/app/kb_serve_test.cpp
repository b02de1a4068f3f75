// The knowledge base inside a running `localvoice serve`: files added, changed and deleted in the folder show
// up in /v1/kb/search within seconds, and a restart finds the index without reading the files again.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <thread>

#include "server/test_client.h"
#include "support/subprocess.h"
#include "support/test_paths.h"

namespace lv::app {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class KbServeTest : public ::testing::Test {
 protected:
  std::filesystem::path kb_dir() const { return home_.path() / "data" / "localvoice" / "knowledge"; }

  // Starts serve and waits until the knowledge base has caught up with the folder.
  std::unique_ptr<test::Subprocess> start_server(std::uint16_t& port) {
    auto server = std::make_unique<test::Subprocess>(
        std::vector<std::string>{test::program_path().string(), "serve", "--port", "0", "--vad", "energy:"},
        std::map<std::string, std::string>{
            {"HOME", home_.path().string()},
            {"HF_HUB_OFFLINE", "1"},  // tests reach only loopback: the first run's model download stays off
            {"XDG_CONFIG_HOME", (home_.path() / "config").string()},
            {"XDG_DATA_HOME", (home_.path() / "data").string()},
            {"XDG_CACHE_HOME", (home_.path() / "cache").string()},
            {"LOCALVOICE_LOG_FORMAT", "json"}});
    const auto listening = server->wait_for_log_line(
        [](const std::string& l) { return l.find("\"msg\":\"listening\"") != std::string::npos; }, 60s);
    if (!listening) {
      return server;
    }
    port = json::parse(*listening)["port"].get<std::uint16_t>();
    ready_line_ = server->wait_for_log_line(
        [](const std::string& l) { return l.find("\"msg\":\"knowledge base ready\"") != std::string::npos; }, 60s);
    return server;
  }

  // Polls the search until `found` matches (or 5 s pass); returns whether it did.
  static bool within_5s(std::uint16_t port, const std::string& query, bool expect_hit) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto response = test::http_get(port, "/v1/kb/search?q=" + query);
      if (response.status == 200 && json::parse(response.body)["data"].empty() != expect_hit) {
        return true;
      }
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  test::TempDir home_;
  std::optional<std::string> ready_line_;
};

TEST_F(KbServeTest, FolderChangesReachSearchWithinSecondsAndARestartReadsNothingAgain) {
  std::filesystem::create_directories(kb_dir());
  std::ofstream(kb_dir() / "garden.md") << "# Garden\n\nThe hose reel is behind the greenhouse.\n";
  std::uint16_t port = 0;
  {
    auto server = start_server(port);
    ASSERT_NE(port, 0) << server->stderr_text();
    ASSERT_TRUE(ready_line_.has_value()) << server->stderr_text();
    EXPECT_EQ(json::parse(*ready_line_)["added"], 1);
    EXPECT_TRUE(within_5s(port, "greenhouse", true));

    std::ofstream(kb_dir() / "boiler.md") << "# Heating\n\nThe zanzibarite valve sits under the stairs.\n";
    EXPECT_TRUE(within_5s(port, "zanzibarite", true)) << "an added file was not indexed within 5 s";

    std::ofstream(kb_dir() / "boiler.md") << "# Heating\n\nThe quokkalith valve sits under the stairs.\n";
    EXPECT_TRUE(within_5s(port, "quokkalith", true)) << "a changed file was not re-indexed within 5 s";
    EXPECT_TRUE(within_5s(port, "zanzibarite", false)) << "the old text of a changed file is still found";

    std::filesystem::remove(kb_dir() / "boiler.md");
    EXPECT_TRUE(within_5s(port, "quokkalith", false)) << "a deleted file is still found after 5 s";
    server->signal(SIGTERM);
    EXPECT_EQ(server->wait(10s), 0);
  }
  auto again = start_server(port);
  ASSERT_TRUE(ready_line_.has_value()) << again->stderr_text();
  const auto report = json::parse(*ready_line_);
  EXPECT_EQ(report["added"], 0) << *ready_line_;
  EXPECT_EQ(report["updated"], 0) << *ready_line_;
  EXPECT_EQ(report["unchanged"], 1) << *ready_line_;
  EXPECT_TRUE(within_5s(port, "greenhouse", true));
  again->signal(SIGTERM);
  (void)again->wait(10s);
}

}  // namespace
}  // namespace lv::app
