#include "app/chat_command.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "engine/engine_url.h"
#include "llm/llm_engines.h"
#include "llm/tiny_model.h"
#include "support/test_paths.h"

namespace lv::app {
namespace {

class ChatCommandTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new lv::test::TempDir();
    engine_ = new llm::LlmEnginePtr(
        llm::create_llama_engine(engine::parse_engine_url("llama:" + lv::test::make_tiny_gguf(dir_->path()).string())));
  }
  static void TearDownTestSuite() {
    delete engine_;
    delete dir_;
  }
  static lv::test::TempDir* dir_;
  static llm::LlmEnginePtr* engine_;
};

lv::test::TempDir* ChatCommandTest::dir_ = nullptr;
llm::LlmEnginePtr* ChatCommandTest::engine_ = nullptr;

TEST_F(ChatCommandTest, OneShotPromptWithJsonReportsTimingsAndTheAnswer) {
  ChatFlags flags;
  flags.prompt = "Hello";
  flags.json = true;
  flags.max_tokens = 6;
  flags.seed = 3;
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
  std::atomic<bool> interrupted{false};
  EXPECT_EQ(run_chat(**engine_, flags, in, out, err, interrupted), 0) << err.str();
  const auto report = nlohmann::json::parse(out.str());
  EXPECT_TRUE(report.contains("content"));
  EXPECT_EQ(report["model"], (*engine_)->model_name());
  EXPECT_EQ(report.dump().find("completion_tokens") != std::string::npos, true) << out.str();
}

TEST_F(ChatCommandTest, InteractiveLoopAnswersEachLineUntilEndOfInput) {
  ChatFlags flags;
  flags.max_tokens = 4;
  flags.seed = 1;
  std::istringstream in("first question\n\nsecond question\n");
  std::ostringstream out;
  std::ostringstream err;
  std::atomic<bool> interrupted{false};
  EXPECT_EQ(run_chat(**engine_, flags, in, out, err, interrupted), 0) << err.str();
  // Two answers, each ending its line; the blank input line is skipped.
  const std::string text = out.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
}

TEST_F(ChatCommandTest, InterruptCancelsTheAnswerNotTheProgram) {
  ChatFlags flags;
  flags.prompt = "Tell me a long story";
  flags.max_tokens = 100000;
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
  // Ctrl-C pressed as the answer starts: the watcher sees it at its first poll.
  std::atomic<bool> interrupted{true};
  const int code = run_chat(**engine_, flags, in, out, err, interrupted);
  EXPECT_EQ(code, 130);  // a cancelled one-shot answer
}

}  // namespace
}  // namespace lv::app
