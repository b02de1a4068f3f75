// Every subcommand's stdout is exactly its result (text, one JSON document, a WAV, TOML): the program runs
// with stdout piped and logging at debug, and stdout is parsed strictly while the logs go to stderr.
#include <gtest/gtest.h>

#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "audio/wav.h"
#include "llm/tiny_model.h"
#include "support/subprocess.h"
#include "support/test_paths.h"

namespace lv::app {
namespace {

using nlohmann::json;

class CommandOutputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    model_ = new std::filesystem::path(test::make_tiny_gguf(dir_->path()));
    std::filesystem::create_directories(dir_->path() / "docs");
    std::ofstream(dir_->path() / "docs" / "garden.md")
        << "# Garden\n\nWater the tomatoes every morning before nine. The roses need pruning in March.\n";
  }
  static void TearDownTestSuite() {
    delete model_;
    delete dir_;
  }

  // No downloads, no models: the Silero VAD is missing, as on a fresh offline machine. Logs as verbose as
  // they get, in JSON, so that any log line on stdout would break the strict parse below.
  static std::map<std::string, std::string> environment() {
    const auto home = dir_->path() / "home";
    return {{"HOME", home.string()},
            {"XDG_CONFIG_HOME", (home / "config").string()},
            {"XDG_DATA_HOME", (home / "data").string()},
            {"XDG_CACHE_HOME", (home / "cache").string()},
            {"HF_HUB_OFFLINE", "1"},
            {"LOCALVOICE_LOG_LEVEL", "debug"},
            {"LOCALVOICE_LOG_FORMAT", "json"}};
  }

  static test::RunResult run(std::vector<std::string> args) {
    args.insert(args.begin(), test::program_path().string());
    return test::run_program(args, environment(), std::chrono::seconds(120));
  }

  // A spoken question, written by the program itself.
  static std::filesystem::path question() {
    const auto path = dir_->path() / "question.wav";
    if (!std::filesystem::exists(path)) {
      const auto made = run({"speak", "when should I water the tomatoes", "-o", path.string()});
      EXPECT_EQ(made.exit_code, 0) << made.err;
    }
    return path;
  }

  static json only_json(const test::RunResult& result) {
    EXPECT_EQ(result.exit_code, 0) << result.err;
    // json::parse rejects anything before or after the one document.
    return json::parse(result.out);
  }

  static inline test::TempDir* dir_ = nullptr;
  static inline std::filesystem::path* model_ = nullptr;
};

TEST_F(CommandOutputTest, LogsGoToStderr) {
  const auto result = run({"transcribe", question().string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("\"level\":"), std::string::npos) << "debug logging produced no log lines";
  EXPECT_EQ(result.out.find("\"level\":"), std::string::npos) << result.out;
}

TEST_F(CommandOutputTest, TranscribePrintsExactlyTheTranscript) {
  const auto json_result = only_json(run({"transcribe", question().string(), "--json"}));
  const auto text = json_result.at("text").get<std::string>();
  ASSERT_FALSE(text.empty());
  const auto plain = run({"transcribe", question().string()});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.out, text + "\n");
}

TEST_F(CommandOutputTest, VadFallsBackToEnergyLikeTheServerAndPrintsOnlySegments) {
  // The default engine is silero:, whose model is not installed here: the documented fallback applies.
  const auto plain = run({"vad", question().string()});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_NE(plain.err.find("using energy: instead"), std::string::npos) << plain.err;
  std::istringstream lines(plain.out);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    EXPECT_TRUE(std::regex_match(line, std::regex(R"(\d+\.\d{3} \d+\.\d{3})"))) << line;
    ++count;
  }
  EXPECT_GE(count, 1);
  const auto doc = only_json(run({"vad", question().string(), "--json"}));
  EXPECT_EQ(doc.at("engine"), "energy");
}

TEST_F(CommandOutputTest, SpeakWritesOnlyTheWavToStdout) {
  const auto result = run({"speak", "hello there", "-o", "-"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto path = dir_->path() / "from-stdout.wav";
  std::ofstream(path, std::ios::binary) << result.out;
  const auto audio = audio::read_wav(path);  // throws on any byte that is not WAV
  EXPECT_GT(audio.duration_s(), 0.3);
  const auto summary = only_json(run({"speak", "hello there", "-o", (dir_->path() / "s.wav").string(), "--json"}));
  EXPECT_TRUE(summary.is_object());
}

TEST_F(CommandOutputTest, ChatPromptPrintsOneJsonDocument) {
  const auto doc = only_json(run({"chat", "--llm", "llama:" + model_->string(), "-p", "hello", "--json"}));
  EXPECT_TRUE(doc.is_object());
  const auto plain = run({"chat", "--llm", "llama:" + model_->string(), "-p", "hello"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.out.find("\"level\":"), std::string::npos) << plain.out;
}

TEST_F(CommandOutputTest, ConversePrintsOneJsonDocument) {
  const auto doc = only_json(run({"converse", "--input", question().string(), "--json", "--vad", "energy:"}));
  EXPECT_FALSE(doc.at("turns").empty()) << doc.dump();
}

TEST_F(CommandOutputTest, KnowledgeCommandsPrintOnlyResults) {
  const auto kb = (dir_->path() / "docs").string();
  const auto list = only_json(run({"kb", "list", "--kb", kb, "--json"}));
  EXPECT_FALSE(list.empty());
  const auto hits = only_json(run({"kb", "search", "water tomatoes", "--kb", kb, "--json"}));
  EXPECT_FALSE(hits.empty()) << hits.dump();
  const auto text = run({"kb", "search", "water tomatoes", "--kb", kb});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("tomatoes"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("\"level\":"), std::string::npos) << text.out;
}

TEST_F(CommandOutputTest, HistoryAndModelsListAreJson) {
  EXPECT_TRUE(only_json(run({"history", "list", "--json"})).is_object() ||
              only_json(run({"history", "list", "--json"})).is_array());
  EXPECT_FALSE(only_json(run({"models", "list", "--json"})).empty());
}

TEST_F(CommandOutputTest, PrintConfigIsTomlAndVersionIsOneLine) {
  const auto config = run({"serve", "--print-config"});
  ASSERT_EQ(config.exit_code, 0) << config.err;
  EXPECT_NO_THROW((void)toml::parse(config.out)) << config.out;
  const auto version = run({"version"});
  EXPECT_TRUE(std::regex_match(version.out, std::regex("localvoice [0-9][^\n]*\n"))) << version.out;
}

TEST_F(CommandOutputTest, DoctorReportHasNoLogLines) {
  const auto doctor = run({"doctor"});
  EXPECT_NE(doctor.out.find("Checks:"), std::string::npos) << doctor.out;
  EXPECT_EQ(doctor.out.find("\"level\":"), std::string::npos) << doctor.out;
}

}  // namespace
}  // namespace lv::app
