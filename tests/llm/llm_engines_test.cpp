#include "llm/llm_engines.h"

#include <gtest/gtest.h>

#include <string>

#include "llm/tiny_model.h"
#include "support/test_paths.h"
#include "util/error.h"

namespace lv::llm {
namespace {

using engine::parse_engine_url;

class LlmEnginesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<test::TempDir>();
    model_ = test::make_tiny_gguf(dir_->path());
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static inline std::unique_ptr<test::TempDir> dir_;
  static inline std::filesystem::path model_;
};

TEST_F(LlmEnginesTest, LlamaUrlWithParams) {
  engine::EngineRegistry<LlmEngine> registry(engine::EngineKind::llm);
  register_llm_engines(registry);
  const auto llm = registry.create(parse_engine_url("llama:" + model_.string() + "?threads=1&ctx=512"));
  EXPECT_EQ(llm->capabilities().context_tokens, 512);
  EXPECT_EQ(llm->model_name(), "tiny.gguf");
  ChatOptions options;
  options.max_tokens = 3;
  const auto result = llm->create_session()->chat({{ChatRole::user, "hi"}}, options, [](const ChatDelta&) {});
  EXPECT_NE(result.finish_reason, FinishReason::error);
}

TEST_F(LlmEnginesTest, UnknownParamAndBadValuesAreClearErrors) {
  try {
    create_llama_engine(parse_engine_url("llama:" + model_.string() + "?thread=2"));
    FAIL() << "expected lv::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'thread'"), std::string::npos) << e.what();
    EXPECT_NE(e.fix().find("threads"), std::string::npos) << e.fix();
  }
  EXPECT_THROW(create_llama_engine(parse_engine_url("llama:" + model_.string() + "?ctx=lots")), Error);
  EXPECT_THROW(create_openai_engine(parse_engine_url("openai:http://127.0.0.1:9/v1?idle_timeout_ms=-5")), Error);
}

TEST_F(LlmEnginesTest, CatalogNamesNeedTheResolver) {
  EXPECT_THROW(create_llama_engine(parse_engine_url("llama:tiny-test")), Error);
  std::string asked;
  const auto llm = create_llama_engine(parse_engine_url("llama:tiny-test"), [&](const std::string& name) {
    asked = name;
    return model_;
  });
  EXPECT_EQ(asked, "tiny-test");
  EXPECT_EQ(llm->model_name(), "tiny-test");
}

TEST_F(LlmEnginesTest, RemoteUrls) {
  const auto openai = create_openai_engine(parse_engine_url("openai:http://127.0.0.1:9/v1?model=qwen"));
  EXPECT_EQ(openai->model_name(), "qwen");
  const auto ollama = create_ollama_engine(parse_engine_url("ollama:http://localhost:11434?model=gemma3:4b"));
  EXPECT_EQ(ollama->model_name(), "gemma3:4b");
  EXPECT_THROW(create_ollama_engine(parse_engine_url("ollama:http://localhost:11434")), Error);
  EXPECT_THROW(create_openai_engine(parse_engine_url("openai:/not/a/server")), Error);
}

}  // namespace
}  // namespace lv::llm
