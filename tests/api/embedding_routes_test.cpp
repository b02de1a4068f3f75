#include "api/embedding_routes.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "embed/llama_embedding_engine.h"
#include "embed/openai_embedding_engine.h"
#include "embed/tiny_embedding_model.h"
#include "embed/vector_math.h"
#include "metrics/registry.h"
#include "net/http_client.h"
#include "server/http_server.h"
#include "support/test_paths.h"

namespace lv::api {
namespace {

using nlohmann::json;

std::vector<float> decode_base64_floats(const std::string& text) {
  auto value = [](char c) -> std::uint32_t {
    if (c >= 'A' && c <= 'Z') return static_cast<std::uint32_t>(c - 'A');
    if (c >= 'a' && c <= 'z') return static_cast<std::uint32_t>(c - 'a' + 26);
    if (c >= '0' && c <= '9') return static_cast<std::uint32_t>(c - '0' + 52);
    return c == '+' ? 62U : 63U;
  };
  std::string bytes;
  for (std::size_t i = 0; i + 3 < text.size(); i += 4) {
    const std::uint32_t group =
        (value(text[i]) << 18) | (value(text[i + 1]) << 12) | (value(text[i + 2]) << 6) | value(text[i + 3]);
    bytes += static_cast<char>((group >> 16) & 0xFF);
    if (text[i + 2] != '=') bytes += static_cast<char>((group >> 8) & 0xFF);
    if (text[i + 3] != '=') bytes += static_cast<char>(group & 0xFF);
  }
  std::vector<float> out(bytes.size() / 4);
  std::memcpy(out.data(), bytes.data(), out.size() * 4);  // little-endian, as on this machine
  return out;
}

class EmbeddingRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<test::TempDir>();
    embed::LlamaEmbeddingOptions options;
    options.model_path = test::make_tiny_embedding_gguf(dir_->path());
    options.model_name = "tiny-embedder";
    options.threads = 1;
    engine_ = embed::LlamaEmbeddingEngine::create(options);
    server_ = start(engine_);
  }
  static void TearDownTestSuite() {
    server_->stop();
    server_.reset();
    engine_.reset();
    dir_.reset();
  }

  static std::unique_ptr<server::HttpServer> start(embed::EmbeddingEnginePtr engine) {
    server::Router router;
    add_embedding_routes(router, std::move(engine));
    auto server = std::make_unique<server::HttpServer>(server::HttpServerOptions{}, std::move(router),
                                                       std::make_shared<metrics::Registry>());
    server->start();
    return server;
  }

  static net::HttpClientResponse post_raw(const server::HttpServer& server, std::string body) {
    net::HttpClientRequest request;
    request.method = "POST";
    request.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/v1/embeddings";
    request.headers = {{"Content-Type", "application/json"}};
    request.body = std::move(body);
    request.total_timeout_ms = 20000;
    return net::http_request(request);
  }
  static net::HttpClientResponse post(const json& body) { return post_raw(*server_, body.dump()); }

  static inline std::unique_ptr<test::TempDir> dir_;
  static inline embed::LlamaEmbeddingEnginePtr engine_;
  static inline std::unique_ptr<server::HttpServer> server_;
};

TEST_F(EmbeddingRoutesTest, OneStringGivesOneVectorInOpenAiShape) {
  const auto response = post({{"model", "text-embedding-3-small"}, {"input", "the cat sat on the mat"}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("content-type").value_or(""), "application/json");
  const auto body = json::parse(response.body);
  EXPECT_EQ(body["object"], "list");
  EXPECT_EQ(body["model"], "tiny-embedder");
  ASSERT_EQ(body["data"].size(), 1U);
  EXPECT_EQ(body["data"][0]["object"], "embedding");
  EXPECT_EQ(body["data"][0]["index"], 0);
  const auto vector = body["data"][0]["embedding"].get<std::vector<float>>();
  EXPECT_EQ(vector, engine_->embed({"the cat sat on the mat"})[0]);
  EXPECT_NEAR(embed::l2_norm(vector), 1.0, 1e-5);
  const int tokens = static_cast<int>(engine_->tokenize("the cat sat on the mat").size());
  EXPECT_EQ(body["usage"]["prompt_tokens"], tokens);
  EXPECT_EQ(body["usage"]["total_tokens"], tokens);
}

TEST_F(EmbeddingRoutesTest, AnArrayGivesVectorsInInputOrder) {
  const std::vector<std::string> inputs = {"hello world", "a dog", "Ünïcödé 世界"};
  const auto response = post({{"input", inputs}, {"encoding_format", "float"}, {"dimensions", 32}});
  ASSERT_EQ(response.status, 200) << response.body;
  const auto body = json::parse(response.body);
  ASSERT_EQ(body["data"].size(), inputs.size());
  const auto expected = engine_->embed(inputs);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_EQ(body["data"][i]["index"], i);
    const auto vector = body["data"][i]["embedding"].get<std::vector<float>>();
    EXPECT_GT(embed::dot_product(vector, expected[i]), 0.9999) << inputs[i];
  }
}

TEST_F(EmbeddingRoutesTest, Base64CarriesTheSameFloats) {
  const auto as_float = json::parse(post({{"input", "hello world"}}).body)["data"][0]["embedding"];
  const auto response = post({{"input", "hello world"}, {"encoding_format", "base64"}});
  ASSERT_EQ(response.status, 200) << response.body;
  const auto encoded = json::parse(response.body)["data"][0]["embedding"];
  ASSERT_TRUE(encoded.is_string());
  EXPECT_EQ(decode_base64_floats(encoded.get<std::string>()), as_float.get<std::vector<float>>());
}

TEST_F(EmbeddingRoutesTest, OurOwnOpenAiClientWorksAgainstTheRoute) {
  embed::RemoteEmbeddingOptions options;
  options.base_url = "http://127.0.0.1:" + std::to_string(server_->port()) + "/v1";
  embed::OpenAiEmbeddingEngine client(options);
  const auto result = client.embed_counted({"hello world", "a dog"});
  const auto expected = engine_->embed({"hello world", "a dog"});
  ASSERT_EQ(result.vectors.size(), 2U);
  EXPECT_GT(embed::dot_product(result.vectors[0], expected[0]), 0.9999);
  EXPECT_GT(embed::dot_product(result.vectors[1], expected[1]), 0.9999);
  EXPECT_GT(result.input_tokens, 0);
}

TEST_F(EmbeddingRoutesTest, MalformedRequestsGet400WithTheReason) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{not json", "not valid JSON"},
      {"[1,2]", "must be a JSON object"},
      {R"({"model":"m"})", "missing required field 'input'"},
      {R"({"input":null})", "missing required field 'input'"},
      {R"({"input":[]})", "empty array"},
      {R"({"input":""})", "empty string"},
      {R"({"input":["ok",""]})", "input[1] is an empty string"},
      {R"({"input":["ok",5]})", "input[1] is a token array"},
      {R"({"input":[1,2,3]})", "token array"},
      {R"({"input":[[1,2],[3]]})", "input[0] is a token array"},
      {R"({"input":{"text":"x"}})", "must be a string"},
      {R"({"input":["ok",{"a":1}]})", "input[1] must be a string"},
      {R"({"input":"ok","encoding_format":"int8"})", "encoding_format"},
      {R"({"input":"ok","model":7})", "'model' must be a string"},
      {R"({"input":"ok","dimensions":64})", "32-dimensional"},
      {R"({"input":"ok","dimensions":1.5})", "whole number"},
  };
  for (const auto& [body, reason] : cases) {
    const auto response = post_raw(*server_, body);
    EXPECT_EQ(response.status, 400) << body << " -> " << response.body;
    const auto error = json::parse(response.body, nullptr, false);
    ASSERT_TRUE(error.is_object()) << response.body;
    EXPECT_EQ(error["error"]["type"], "invalid_request_error") << body;
    EXPECT_NE(error["error"]["message"].get<std::string>().find(reason), std::string::npos)
        << body << " -> " << response.body;
  }
}

TEST_F(EmbeddingRoutesTest, TooManyInputsAreRefused) {
  const auto response = post({{"input", std::vector<std::string>(2049, "x")}});
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(response.body.find("at most 2048"), std::string::npos) << response.body;
}

TEST_F(EmbeddingRoutesTest, AnEngineThatCannotAnswerGives503WithTheFix) {
  embed::RemoteEmbeddingOptions options;
  options.base_url = "http://127.0.0.1:9/v1";  // discard port: nothing listens
  options.connect_timeout_ms = 200;
  const auto server = start(std::make_shared<embed::OpenAiEmbeddingEngine>(options));
  const auto response = post_raw(*server, R"({"input":"hello"})");
  EXPECT_EQ(response.status, 503) << response.body;
  const auto error = json::parse(response.body);
  EXPECT_EQ(error["error"]["code"], "engine_unavailable");
  EXPECT_NE(error["error"]["message"].get<std::string>().find("start the server or fix engines.embeddings"),
            std::string::npos)
      << response.body;
  server->stop();
}

}  // namespace
}  // namespace lv::api
