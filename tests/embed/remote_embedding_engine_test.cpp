#include "embed/remote_embedding_engine.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "embed/openai_embedding_engine.h"
#include "net/fixture_http_server.h"
#include "util/error.h"

namespace lv::embed {
namespace {

using nlohmann::json;

// An OpenAI-shaped reply with one 3-dimensional vector per input, the i-th pointing mostly along axis i % 3.
std::string reply_for(const std::string& request_body, int dimensions = 3) {
  const auto request = json::parse(request_body);
  json data = json::array();
  for (std::size_t i = 0; i < request["input"].size(); ++i) {
    std::vector<float> vector(static_cast<std::size_t>(dimensions), 0.1F);
    vector[i % static_cast<std::size_t>(dimensions)] = 1.0F;
    data.push_back({{"object", "embedding"}, {"index", i}, {"embedding", vector}});
  }
  return json{{"object", "list"}, {"data", data}}.dump();
}

RemoteEmbeddingOptions options_for(const test::FixtureHttpServer& server) {
  RemoteEmbeddingOptions options;
  options.base_url = server.url("/v1");
  options.connect_timeout_ms = 2000;
  options.timeout_ms = 5000;
  return options;
}

std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.full_message();
  }
  return "(no error)";
}

class RemoteEmbeddingEngineTest : public ::testing::Test {
 protected:
  test::FixtureHttpServer server_;
};

TEST_F(RemoteEmbeddingEngineTest, SplitsCallsIntoBatchesAndKeepsTheOrder) {
  std::vector<std::size_t> batch_sizes;
  server_.on("/v1/embeddings", [&](const test::FixtureRequest& request, test::FixtureResponder& out) {
    batch_sizes.push_back(json::parse(request.body)["input"].size());
    out.send(200, reply_for(request.body), {}, "application/json");
  });
  auto options = options_for(server_);
  options.max_batch_texts = 2;
  OpenAiEmbeddingEngine engine(options);
  const auto vectors = engine.embed({"a", "b", "c", "d", "e"});
  EXPECT_EQ(batch_sizes, (std::vector<std::size_t>{2, 2, 1}));
  ASSERT_EQ(vectors.size(), 5U);
  // Within each batch the i-th vector leans on axis i: the order survived the split.
  const std::vector<std::size_t> axes = {0, 1, 0, 1, 0};
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    EXPECT_GT(vectors[i][axes[i]], 0.9F) << i;
  }
  EXPECT_TRUE(engine.embed({}).empty());
  EXPECT_EQ(batch_sizes.size(), 3U);  // nothing to embed, nothing sent
}

TEST_F(RemoteEmbeddingEngineTest, RetriesAServerThatIsStillLoading) {
  std::atomic<int> calls{0};
  server_.on("/v1/embeddings", [&](const test::FixtureRequest& request, test::FixtureResponder& out) {
    if (++calls < 3) {
      out.send(503, R"({"error":{"message":"Loading model","type":"unavailable_error","code":503}})", {},
               "application/json");
      return;
    }
    out.send(200, reply_for(request.body), {}, "application/json");
  });
  OpenAiEmbeddingEngine engine(options_for(server_));
  EXPECT_EQ(engine.embed({"hello"}).size(), 1U);
  EXPECT_EQ(calls.load(), 3);
}

TEST_F(RemoteEmbeddingEngineTest, StatusErrorsSayWhatToFix) {
  int status = 404;
  server_.on("/v1/embeddings", [&](const test::FixtureRequest&, test::FixtureResponder& out) {
    out.send(status, R"({"error":{"message":"the server said no","type":"x"}})", {}, "application/json");
  });
  auto options = options_for(server_);
  options.model = "nomic";
  options.api_key_env = "MY_KEY";
  OpenAiEmbeddingEngine engine(options);
  const auto call = [&] { engine.embed({"hello"}); };

  std::string message = error_of(call);
  EXPECT_NE(message.find("does not know model 'nomic'"), std::string::npos) << message;
  EXPECT_NE(message.find("the server said no"), std::string::npos) << message;
  status = 401;
  message = error_of(call);
  EXPECT_NE(message.find("MY_KEY"), std::string::npos) << message;
  status = 501;  // llama-server without --embeddings
  message = error_of(call);
  EXPECT_NE(message.find("--embeddings"), std::string::npos) << message;
  status = 500;
  message = error_of(call);
  EXPECT_NE(message.find("HTTP 500"), std::string::npos) << message;
  EXPECT_NE(message.find("server's log"), std::string::npos) << message;
}

TEST_F(RemoteEmbeddingEngineTest, ASilentServerTimesOut) {
  server_.on("/v1/embeddings", [](const test::FixtureRequest&, test::FixtureResponder& out) { out.stall(); });
  auto options = options_for(server_);
  options.timeout_ms = 300;
  OpenAiEmbeddingEngine engine(options);
  const auto started = std::chrono::steady_clock::now();
  const std::string message = error_of([&] { engine.embed({"hello"}); });
  EXPECT_NE(message.find("did not answer within 300 ms"), std::string::npos) << message;
  EXPECT_NE(message.find("timeout_ms"), std::string::npos) << message;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4));  // not hung
  server_.stop();
}

TEST_F(RemoteEmbeddingEngineTest, CancellingStopsAWaitingCall) {
  server_.on("/v1/embeddings", [](const test::FixtureRequest&, test::FixtureResponder& out) { out.stall(); });
  auto options = options_for(server_);
  options.timeout_ms = 60000;
  OpenAiEmbeddingEngine engine(options);
  std::stop_source stop;
  std::jthread canceller([&stop] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stop.request_stop();
  });
  std::string message;
  try {
    engine.embed({"hello"}, stop.get_token());
  } catch (const Error& e) {
    message = e.what();
  }
  EXPECT_EQ(message, "cancelled");
  server_.stop();
}

TEST_F(RemoteEmbeddingEngineTest, AServerThatChangesItsVectorLengthIsAnError) {
  int dimensions = 3;
  server_.on("/v1/embeddings", [&](const test::FixtureRequest& request, test::FixtureResponder& out) {
    out.send(200, reply_for(request.body, dimensions), {}, "application/json");
  });
  OpenAiEmbeddingEngine engine(options_for(server_));
  EXPECT_EQ(engine.embed({"a"})[0].size(), 3U);
  EXPECT_EQ(engine.capabilities().dimensions, 3);
  dimensions = 4;
  const std::string message = error_of([&] { engine.embed({"a"}); });
  EXPECT_NE(message.find("4-dimensional vectors after 3-dimensional ones"), std::string::npos) << message;
  EXPECT_EQ(engine.capabilities().dimensions, 3);
}

}  // namespace
}  // namespace lv::embed
