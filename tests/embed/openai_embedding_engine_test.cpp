#include "embed/openai_embedding_engine.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "embed/llama_embedding_engine.h"
#include "embed/tiny_embedding_model.h"
#include "embed/vector_math.h"
#include "llm/llama_server_process.h"
#include "net/fixture_http_server.h"
#include "support/test_paths.h"
#include "util/error.h"

namespace lv::embed {
namespace {

using nlohmann::json;

const std::vector<std::string> kTexts = {"hello world", "the cat sat on the mat", "a dog", "Ünïcödé 世界",
                                         "is the dog on a mat?"};

RemoteEmbeddingOptions remote(const std::string& base_url) {
  RemoteEmbeddingOptions options;
  options.base_url = base_url;
  options.connect_timeout_ms = 2000;
  options.timeout_ms = 10000;
  return options;
}

// A real llama-server --embeddings serving the tiny model, next to the same model in-process.
class OpenAiEmbeddingEngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<test::TempDir>();
    const auto model = test::make_tiny_embedding_gguf(dir_->path());
    server_ = std::make_unique<test::LlamaServerProcess>(model, dir_->path() / "llama-server.log",
                                                         std::vector<std::string>{"--embeddings", "--pooling", "mean"});
    server_->start();
    LlamaEmbeddingOptions options;
    options.model_path = model;
    options.threads = 1;
    local_ = LlamaEmbeddingEngine::create(options);
  }
  static void TearDownTestSuite() {
    server_.reset();
    local_.reset();
    dir_.reset();
  }

  static inline std::unique_ptr<test::TempDir> dir_;
  static inline std::unique_ptr<test::LlamaServerProcess> server_;
  static inline LlamaEmbeddingEnginePtr local_;
};

TEST_F(OpenAiEmbeddingEngineTest, LlamaServerGivesTheSameVectorsAsTheInProcessEngine) {
  OpenAiEmbeddingEngine engine(remote(server_->url()));  // "/v1" is added
  EXPECT_EQ(engine.options().base_url, server_->url() + "/v1");
  EXPECT_EQ(engine.capabilities().dimensions, 0);  // unknown until the server answered
  const auto result = engine.embed_counted(kTexts);
  ASSERT_EQ(result.vectors.size(), kTexts.size());
  EXPECT_GT(result.input_tokens, 0);
  EXPECT_EQ(engine.capabilities().dimensions, 32);
  const auto local = local_->embed(kTexts);
  for (std::size_t i = 0; i < kTexts.size(); ++i) {
    ASSERT_EQ(result.vectors[i].size(), 32U);
    EXPECT_NEAR(l2_norm(result.vectors[i]), 1.0, 1e-5);
    // Same model, same mean pooling: the server and llama: agree up to float rounding.
    EXPECT_GT(dot_product(result.vectors[i], local[i]), 0.9999) << kTexts[i];
  }
  EXPECT_LT(dot_product(result.vectors[0], result.vectors[1]), 0.9999);
}

TEST_F(OpenAiEmbeddingEngineTest, LargeCallsAreSplitIntoBatchesInOrder) {
  auto options = remote(server_->url() + "/v1/");
  options.max_batch_texts = 2;
  OpenAiEmbeddingEngine batched(options);
  OpenAiEmbeddingEngine whole(remote(server_->url() + "/v1"));
  const auto a = batched.embed(kTexts);
  const auto b = whole.embed(kTexts);
  ASSERT_EQ(a.size(), kTexts.size());
  for (std::size_t i = 0; i < kTexts.size(); ++i) {
    EXPECT_GT(dot_product(a[i], b[i]), 0.9999) << kTexts[i];
  }
}

TEST(OpenAiEmbeddingEngineFixtureTest, UnreachableServerNamesTheUrlAndTheFix) {
  const std::string url = "http://127.0.0.1:" + std::to_string(test::free_port());
  auto options = remote(url);
  options.connect_timeout_ms = 300;
  OpenAiEmbeddingEngine engine(options);
  try {
    engine.embed({"hello"});
    FAIL() << "an unreachable server gave vectors";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(url + "/v1/embeddings"), std::string::npos) << e.what();
    EXPECT_NE(e.fix().find("start the server or fix engines.embeddings"), std::string::npos) << e.fix();
    EXPECT_NE(e.fix().find("--embeddings"), std::string::npos) << e.fix();
  }
}

TEST(OpenAiEmbeddingEngineFixtureTest, SendsTheOpenAiRequestShape) {
  test::FixtureHttpServer server;
  server.on("/v1/embeddings", [](const test::FixtureRequest&, test::FixtureResponder& out) {
    out.send(200,
             R"({"object":"list","data":[{"object":"embedding","index":0,"embedding":[3,4]}],)"
             R"("model":"m","usage":{"prompt_tokens":7,"total_tokens":7}})",
             {}, "application/json");
  });
  auto options = remote(server.url("/v1"));
  options.model = "text-embedding-3-small";
  options.api_key = "sk-test";
  OpenAiEmbeddingEngine engine(options);
  const auto result = engine.embed_counted({"hello"});
  ASSERT_EQ(result.vectors.size(), 1U);
  EXPECT_FLOAT_EQ(result.vectors[0][0], 0.6F);  // normalized here even when the server did not
  EXPECT_FLOAT_EQ(result.vectors[0][1], 0.8F);
  EXPECT_EQ(result.input_tokens, 7);
  EXPECT_EQ(engine.model_name(), "text-embedding-3-small");

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].header("authorization").value_or(""), "Bearer sk-test");
  const auto sent = json::parse(requests[0].body);
  EXPECT_EQ(sent["model"], "text-embedding-3-small");
  EXPECT_EQ(sent["input"], json::array({"hello"}));
  EXPECT_EQ(sent["encoding_format"], "float");
}

TEST(OpenAiEmbeddingEngineFixtureTest, PutsVectorsInTheOrderOfTheirIndex) {
  test::FixtureHttpServer server;
  server.on("/v1/embeddings", [](const test::FixtureRequest&, test::FixtureResponder& out) {
    out.send(200,
             R"({"data":[{"index":2,"embedding":[0,0,1]},{"index":0,"embedding":[1,0,0]},)"
             R"({"index":1,"embedding":[0,1,0]}]})",
             {}, "application/json");
  });
  OpenAiEmbeddingEngine engine(remote(server.url()));
  const auto vectors = engine.embed({"a", "b", "c"});
  EXPECT_EQ(vectors, (std::vector<std::vector<float>>{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}));
}

TEST(OpenAiEmbeddingEngineFixtureTest, MalformedRepliesAreErrorsNotCrashes) {
  const std::vector<std::string> replies = {
      "not json",
      R"({"object":"list"})",
      R"({"data":[{"index":0,"embedding":[1,2]}]})",                                  // one vector for two texts
      R"({"data":[{"index":0,"embedding":[1,2]},{"index":0,"embedding":[1,2]}]})",    // one text twice
      R"({"data":[{"index":0,"embedding":[1,2]},{"index":5,"embedding":[1,2]}]})",    // index out of range
      R"({"data":[{"index":0,"embedding":[1,"x"]},{"index":1,"embedding":[1,2]}]})",  // not numbers
      R"({"data":[{"index":0,"embedding":[0,0]},{"index":1,"embedding":[1,2]}]})",    // zero vector
      R"({"data":[{"index":0,"embedding":[1,2]},{"index":1,"embedding":[1,2,3]}]})",  // lengths differ
      R"({"data":[{"index":0,"embedding":"AAAA"},{"index":1,"embedding":[1,2]}]})",   // base64 we did not ask for
  };
  for (const auto& reply : replies) {
    test::FixtureHttpServer server;
    server.on("/v1/embeddings", [&reply](const test::FixtureRequest&, test::FixtureResponder& out) {
      out.send(200, reply, {}, "application/json");
    });
    OpenAiEmbeddingEngine engine(remote(server.url()));
    try {
      engine.embed({"a", "b"});
      ADD_FAILURE() << "accepted: " << reply;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(server.url()), std::string::npos) << e.what();
      EXPECT_FALSE(e.fix().empty());
    }
  }
}

}  // namespace
}  // namespace lv::embed
