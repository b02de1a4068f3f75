#include "embed/embedding_engines.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "embed/llama_embedding_engine.h"
#include "embed/openai_embedding_engine.h"
#include "embed/tiny_embedding_model.h"
#include "support/test_paths.h"
#include "util/error.h"

namespace lv::embed {
namespace {

using engine::parse_engine_url;

std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.full_message();
  }
  return "(no error)";
}

class EmbeddingEnginesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<test::TempDir>();
    model_ = test::make_tiny_embedding_gguf(dir_->path());
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static inline std::unique_ptr<test::TempDir> dir_;
  static inline std::filesystem::path model_;
};

TEST_F(EmbeddingEnginesTest, RegistersTheThreeSchemes) {
  engine::EngineRegistry<EmbeddingEngine> registry(engine::EngineKind::embeddings);
  register_embedding_engines(registry);
  EXPECT_TRUE(registry.has("llama"));
  EXPECT_TRUE(registry.has("openai"));
  EXPECT_TRUE(registry.has("ollama"));
  EXPECT_EQ(registry.schemes().size(), 3U);
  const auto embedder =
      registry.create(parse_engine_url("llama:" + model_.string() + "?threads=1&ctx=16&batch=64&pooling=last"));
  EXPECT_EQ(embedder->capabilities().dimensions, 32);
  EXPECT_EQ(embedder->capabilities().max_input_tokens, 16);
  EXPECT_EQ(std::dynamic_pointer_cast<LlamaEmbeddingEngine>(embedder)->pooling(), Pooling::last);
  EXPECT_EQ(embedder->embed({"hello"}).size(), 1U);
  const std::string unknown = error_of([&] { registry.create(parse_engine_url("whisper:base.en")); });
  EXPECT_NE(unknown.find("llama:all-minilm-l6-v2"), std::string::npos) << unknown;
}

TEST_F(EmbeddingEnginesTest, CatalogNamesGoThroughTheResolver) {
  const std::string without =
      error_of([] { create_llama_embedding_engine(parse_engine_url("llama:all-minilm-l6-v2")); });
  EXPECT_NE(without.find("give a file path"), std::string::npos) << without;
  std::string asked;
  const auto embedder =
      create_llama_embedding_engine(parse_engine_url("llama:all-minilm-l6-v2?threads=1"), [&](const std::string& name) {
        asked = name;
        return model_;
      });
  EXPECT_EQ(asked, "all-minilm-l6-v2");
  EXPECT_EQ(embedder->model_name(), "all-minilm-l6-v2");  // the name is what stored vectors record
}

TEST_F(EmbeddingEnginesTest, BadUrlsAreClearErrors) {
  const std::string typo =
      error_of([&] { create_llama_embedding_engine(parse_engine_url("llama:" + model_.string() + "?thread=2")); });
  EXPECT_NE(typo.find("'thread'"), std::string::npos) << typo;
  EXPECT_NE(typo.find("threads"), std::string::npos) << typo;
  const std::string pooling =
      error_of([&] { create_llama_embedding_engine(parse_engine_url("llama:" + model_.string() + "?pooling=max")); });
  EXPECT_NE(pooling.find("pooling=mean"), std::string::npos) << pooling;
  EXPECT_THROW(create_llama_embedding_engine(parse_engine_url("llama:" + model_.string() + "?ctx=lots")), Error);
  EXPECT_THROW(create_llama_embedding_engine(parse_engine_url("llama:http://127.0.0.1:8080")), Error);
  const std::string no_server =
      error_of([] { create_openai_embedding_engine(parse_engine_url("openai:text-embedding-3-small")); });
  EXPECT_NE(no_server.find("openai:http://127.0.0.1:8080/v1?model=NAME"), std::string::npos) << no_server;
  EXPECT_THROW(create_openai_embedding_engine(parse_engine_url("openai:http://127.0.0.1:9/v1?timeout_ms=-5")), Error);
  EXPECT_THROW(create_openai_embedding_engine(parse_engine_url("openai:http://127.0.0.1:9/v1?batch=0")), Error);
  const std::string no_model =
      error_of([] { create_ollama_embedding_engine(parse_engine_url("ollama:http://127.0.0.1:11434")); });
  EXPECT_NE(no_model.find("?model="), std::string::npos) << no_model;
}

TEST_F(EmbeddingEnginesTest, RemoteUrlsCarryTheirSettings) {
  const auto embedder = create_openai_embedding_engine(parse_engine_url(
      "openai:http://127.0.0.1:9?model=bge&connect_timeout_ms=250&timeout_ms=1500&batch=8&api_key_env=LV_NO_SUCH_KEY"));
  const auto& options = std::dynamic_pointer_cast<OpenAiEmbeddingEngine>(embedder)->options();
  EXPECT_EQ(options.base_url, "http://127.0.0.1:9/v1");
  EXPECT_EQ(options.model, "bge");
  EXPECT_EQ(options.connect_timeout_ms, 250);
  EXPECT_EQ(options.timeout_ms, 1500);
  EXPECT_EQ(options.max_batch_texts, 8);
  EXPECT_EQ(options.api_key_env, "LV_NO_SUCH_KEY");
  EXPECT_TRUE(options.api_key.empty());
  EXPECT_EQ(embedder->model_name(), "bge");
}

}  // namespace
}  // namespace lv::embed
