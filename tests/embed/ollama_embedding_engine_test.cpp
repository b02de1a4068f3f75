#include "embed/ollama_embedding_engine.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "net/fixture_http_server.h"
#include "util/error.h"

namespace lv::embed {
namespace {

using nlohmann::json;

RemoteEmbeddingOptions options_for(const std::string& url) {
  RemoteEmbeddingOptions options;
  options.base_url = url;
  options.model = "nomic-embed-text";
  options.connect_timeout_ms = 2000;
  options.timeout_ms = 5000;
  return options;
}

TEST(OllamaEmbeddingEngineTest, SpeaksTheDocumentedApiEmbedShape) {
  test::FixtureHttpServer server;
  server.on("/api/embed", [](const test::FixtureRequest&, test::FixtureResponder& out) {
    // The reply documented for POST /api/embed.
    out.send(200,
             R"({"model":"nomic-embed-text","embeddings":[[0.6,0.8,0.0],[0.0,0.0,2.0]],)"
             R"("total_duration":14143917,"load_duration":1019500,"prompt_eval_count":8})",
             {}, "application/json");
  });
  OllamaEmbeddingEngine engine(options_for(server.url() + "/"), "10m");
  const auto result = engine.embed_counted({"why is the sky blue?", "why is the grass green?"});
  ASSERT_EQ(result.vectors.size(), 2U);
  EXPECT_EQ(result.vectors[0], (std::vector<float>{0.6F, 0.8F, 0.0F}));
  EXPECT_EQ(result.vectors[1], (std::vector<float>{0.0F, 0.0F, 1.0F}));  // normalized
  EXPECT_EQ(result.input_tokens, 8);
  EXPECT_EQ(engine.capabilities().dimensions, 3);
  EXPECT_EQ(engine.model_name(), "nomic-embed-text");

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0].path, "/api/embed");
  const auto sent = json::parse(requests[0].body);
  EXPECT_EQ(sent["model"], "nomic-embed-text");
  EXPECT_EQ(sent["input"], json::array({"why is the sky blue?", "why is the grass green?"}));
  EXPECT_EQ(sent["keep_alive"], "10m");
  EXPECT_EQ(sent["truncate"], true);
}

TEST(OllamaEmbeddingEngineTest, NeedsAModelName) {
  auto options = options_for("http://127.0.0.1:11434");
  options.model.clear();
  try {
    OllamaEmbeddingEngine engine(options);
    FAIL() << "no model name was accepted";
  } catch (const Error& e) {
    EXPECT_NE(e.fix().find("?model="), std::string::npos) << e.fix();
  }
}

TEST(OllamaEmbeddingEngineTest, UnknownModelAndBadRepliesAreErrors) {
  test::FixtureHttpServer server;
  std::string reply = R"({"error":"model \"nomic-embed-text\" not found, try pulling it first"})";
  int status = 404;
  server.on("/api/embed", [&](const test::FixtureRequest&, test::FixtureResponder& out) {
    out.send(status, reply, {}, "application/json");
  });
  OllamaEmbeddingEngine engine(options_for(server.url()));
  try {
    engine.embed({"a"});
    FAIL() << "an unknown model gave vectors";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("try pulling it first"), std::string::npos) << e.what();
  }
  status = 200;
  for (const std::string bad :
       {R"({"embeddings":[[1,2]]})", R"({"embeddings":[[1,2],"x"]})", R"([1,2])", R"({"embedding":[1,2]})"}) {
    reply = bad;
    EXPECT_THROW(engine.embed({"a", "b"}), Error) << bad;
  }
}

}  // namespace
}  // namespace lv::embed
