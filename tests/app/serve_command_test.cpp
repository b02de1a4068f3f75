// Runs the real `localvoice` program: start-up, config errors, health over HTTP, and shutdown on signals.
#include <gtest/gtest.h>
#include <signal.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <future>
#include <thread>

#include "server/test_client.h"
#include "support/subprocess.h"
#include "support/test_paths.h"

namespace lv::app {
namespace {

using lv::test::run_program;
using lv::test::Subprocess;

class ServeCommandTest : public ::testing::Test {
 protected:
  std::map<std::string, std::string> env() const {
    // A private home so no user config or data is touched, and JSON logs for the test to read.
    return {{"HOME", home_.path().string()},
            {"HF_HUB_OFFLINE", "1"},  // tests reach only loopback: the first run's model download stays off
            {"XDG_CONFIG_HOME", (home_.path() / "config").string()},
            {"XDG_DATA_HOME", (home_.path() / "data").string()},
            {"XDG_CACHE_HOME", (home_.path() / "cache").string()},
            {"LOCALVOICE_LOG_FORMAT", "json"}};
  }
  std::string program() const { return lv::test::program_path().string(); }

  // Starts `serve` on a free port and returns the port it reports.
  std::uint16_t start(Subprocess& process) {
    const auto line = process.wait_for_log_line(
        [](const std::string& l) { return l.find("\"msg\":\"listening\"") != std::string::npos; },
        std::chrono::seconds(20));
    if (!line) {
      ADD_FAILURE() << "server did not report listening; stderr:\n" << process.stderr_text();
      return 0;
    }
    return nlohmann::json::parse(*line)["port"].get<std::uint16_t>();
  }

  lv::test::TempDir home_;
};

TEST_F(ServeCommandTest, ServesHealthAndStopsOnSigtermWithOpenWebSocket) {
  Subprocess process({program(), "serve", "--port", "0"}, env());
  const auto port = start(process);
  ASSERT_NE(port, 0);
  const auto health = lv::test::http_get(port, "/health");
  EXPECT_EQ(health.status, 200);
  const auto body = nlohmann::json::parse(health.body);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_FALSE(body["version"].get<std::string>().empty());
  EXPECT_GE(body["uptime_s"].get<double>(), 0.0);

  const auto ready = lv::test::http_get(port, "/ready");
  EXPECT_TRUE(ready.status == 200 || ready.status == 503);
  EXPECT_TRUE(nlohmann::json::parse(ready.body).contains("engines"));
  EXPECT_NE(lv::test::http_get(port, "/metrics").body.find("localvoice_build_info"), std::string::npos);
  EXPECT_EQ(lv::test::http_get(port, "/").status, 200);

  lv::test::WsClient client(port);
  (void)client.read();
  auto closed = std::async(std::launch::async, [&client] { return client.read_until_closed(); });
  const auto started = std::chrono::steady_clock::now();
  process.signal(SIGTERM);
  const auto code = process.wait(std::chrono::seconds(8));
  ASSERT_TRUE(code.has_value()) << "server did not exit after SIGTERM";
  EXPECT_EQ(*code, 0) << process.stderr_text();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(6));
  EXPECT_EQ(closed.get(), 1001);
  // Logs are JSON lines carrying request ids.
  const std::string out = process.stderr_text();
  EXPECT_NE(out.find("\"request_id\":"), std::string::npos);
  EXPECT_NE(out.find("\"msg\":\"stopped\""), std::string::npos);
}

TEST_F(ServeCommandTest, PullOfflineReportsTheFailureAndServesWithWhatIsThere) {
  auto environment = env();
  environment["HF_HUB_OFFLINE"] = "1";
  Subprocess process({program(), "serve", "--port", "0", "--pull", "--vad", "energy:"}, environment);
  const auto port = start(process);
  ASSERT_NE(port, 0);
  // The download progress stream tells the web UI why nothing was downloaded.
  const auto events = lv::test::http_get(port, "/v1/models/pull");
  EXPECT_EQ(events.header("Content-Type"), "text/event-stream");
  EXPECT_NE(events.body.find("event: error"), std::string::npos) << events.body;
  EXPECT_NE(events.body.find("HF_HUB_OFFLINE"), std::string::npos) << events.body;
  // Then the engines that need no download load, and the server is ready.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int status = 0;
  while ((status = lv::test::http_get(port, "/ready").status) != 200 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(status, 200);
  process.signal(SIGTERM);
  EXPECT_EQ(process.wait(std::chrono::seconds(10)), 0);
}

TEST_F(ServeCommandTest, SigintAlsoStopsCleanly) {
  Subprocess process({program(), "serve", "--port", "0"}, env());
  ASSERT_NE(start(process), 0);
  process.signal(SIGINT);
  EXPECT_EQ(process.wait(std::chrono::seconds(8)), 0);
}

TEST_F(ServeCommandTest, PortInUseStopsStartUpWithOneClearLine) {
  Subprocess first({program(), "serve", "--port", "0"}, env());
  const auto port = start(first);
  ASSERT_NE(port, 0);
  const auto second = run_program({program(), "serve", "--port", std::to_string(port)}, env());
  EXPECT_NE(second.exit_code, 0);
  EXPECT_NE(second.err.find("already in use"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("--port"), std::string::npos) << second.err;
}

TEST_F(ServeCommandTest, PrintConfigShowsPrecedenceFlagsOverEnvOverFile) {
  const auto file = home_.path() / "lv.toml";
  std::ofstream(file) << "[server]\nport = 1111\nhost = \"::1\"\n[log]\nlevel = \"debug\"\n";
  auto environment = env();
  environment["LOCALVOICE_SERVER_PORT"] = "2222";
  environment["LOCALVOICE_LOG_LEVEL"] = "warn";
  const auto result =
      run_program({program(), "--config", file.string(), "serve", "--print-config", "--port", "3333"}, environment);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("port = 3333"), std::string::npos) << result.out;  // flag beats env and file
  EXPECT_NE(result.out.find("level = \"warn\""), std::string::npos);           // env beats file
  EXPECT_NE(result.out.find("host = \"::1\""), std::string::npos);             // file beats default
}

TEST_F(ServeCommandTest, InvalidConfigurationStopsStartUpNamingTheKey) {
  const auto file = home_.path() / "bad.toml";
  std::ofstream(file) << "[server]\nprot = 8080\n";
  const auto unknown = run_program({program(), "--config", file.string(), "serve"}, env());
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("server.prot"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("server.port"), std::string::npos) << unknown.err;  // the suggestion

  const auto bad_url = run_program({program(), "serve", "--stt", "whisper"}, env());
  EXPECT_EQ(bad_url.exit_code, 2);
  EXPECT_NE(bad_url.err.find("engines.stt"), std::string::npos) << bad_url.err;

  const auto missing_model = run_program({program(), "serve", "--stt", "whisper:/no/such/model.bin"}, env());
  EXPECT_EQ(missing_model.exit_code, 2);
  EXPECT_NE(missing_model.err.find("/no/such/model.bin"), std::string::npos) << missing_model.err;
}

TEST_F(ServeCommandTest, VersionAndHelp) {
  const auto version = run_program({program(), "version"}, env());
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("localvoice ", 0), 0U) << version.out;
  const auto help = run_program({program(), "serve", "--help"}, env());
  EXPECT_EQ(help.exit_code, 0);
  for (const char* flag : {"--host", "--port", "--print-config", "--stt", "--llm", "--models-dir"}) {
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
  }
}

TEST_F(ServeCommandTest, DoctorReportsEachEngineKindAndExitsByHealth) {
  const auto healthy_enough = run_program({program(), "doctor", "--port", "0"}, env());
  for (const char* kind : {"engines.vad", "engines.stt", "engines.tts", "engines.llm", "paths.data_dir"}) {
    EXPECT_NE(healthy_enough.out.find(kind), std::string::npos) << kind << "\n" << healthy_enough.out;
  }
  // An engine URL this build cannot create is a failure with a fix, and the exit code says so.
  const auto broken = run_program({program(), "doctor", "--port", "0", "--tts", "nosuch:voice"}, env());
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.out.find("FAIL"), std::string::npos);
  EXPECT_NE(broken.out.find("fix:"), std::string::npos);

  // A catalog model that is not installed names the command that installs it.
  const auto missing = run_program({program(), "doctor", "--port", "0", "--stt", "whisper:base.en"}, env());
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.out.find("localvoice models pull whisper:base.en"), std::string::npos) << missing.out;
  EXPECT_NE(missing.out.find("models.small_profile"), std::string::npos) << missing.out;
}

}  // namespace
}  // namespace lv::app
