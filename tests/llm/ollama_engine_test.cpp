#include "llm/ollama_engine.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "llm/llama_server_process.h"
#include "net/fixture_http_server.h"
#include "util/error.h"

namespace lv::llm {
namespace {

// The stream format documented for Ollama's POST /api/chat (one JSON object per line).
const std::string kOllamaStream =
    R"({"model":"gemma3:4b","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"Hel"},"done":false})"
    "\n"
    R"({"model":"gemma3:4b","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"lo \u00e9"},"done":false})"
    "\n"
    R"({"model":"gemma3:4b","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":" world"},"done":false})"
    "\n"
    R"({"model":"gemma3:4b","created_at":"2025-01-01T00:00:01Z","message":{"role":"assistant","content":""},"done":true,)"
    R"("done_reason":"stop","total_duration":5589157167,"load_duration":3013701500,"prompt_eval_count":26,)"
    R"("prompt_eval_duration":130079000,"eval_count":3,"eval_duration":2435591000})"
    "\n";

std::vector<ChatMessage> hello() { return {{ChatRole::system, "Be brief."}, {ChatRole::user, "hello"}}; }

RemoteOptions remote(const std::string& base_url) {
  RemoteOptions options;
  options.base_url = base_url;
  options.model = "gemma3:4b";
  options.connect_timeout_ms = 1000;
  options.first_token_timeout_ms = 5000;
  options.idle_timeout_ms = 5000;
  return options;
}

class OllamaEngineTest : public ::testing::Test {
 protected:
  test::FixtureHttpServer server_;
};

TEST_F(OllamaEngineTest, ReplaysTheDocumentedStreamSplitAtOddPlaces) {
  std::string body_seen;
  server_.on("/api/chat", [&](const test::FixtureRequest& request, test::FixtureResponder& out) {
    body_seen = request.body;
    out.begin(200, {{"Content-Type", "application/x-ndjson"}});
    // Pieces that cut lines, JSON strings and a multi-byte character apart.
    for (std::size_t at = 0; at < kOllamaStream.size(); at += 7) {
      out.write(std::string_view(kOllamaStream).substr(at, 7));
      out.sleep_ms(1);
    }
    out.end();
  });
  OllamaEngine engine(remote(server_.url()));
  std::vector<std::string> deltas;
  ChatOptions options;
  options.max_tokens = 32;
  options.temperature = 0.5F;
  options.seed = 9;
  const auto result =
      engine.create_session()->chat(hello(), options, [&](const ChatDelta& delta) { deltas.push_back(delta.content); });
  EXPECT_EQ(result.finish_reason, FinishReason::stop);
  EXPECT_EQ(result.content, "Hello \xC3\xA9 world");
  EXPECT_EQ(deltas, (std::vector<std::string>{"Hel", "lo \xC3\xA9", " world"}));
  EXPECT_EQ(result.timings.prompt_tokens, 26);
  EXPECT_EQ(result.timings.completion_tokens, 3);
  EXPECT_EQ(engine.model_name(), "gemma3:4b");

  const auto sent = nlohmann::json::parse(body_seen);
  EXPECT_EQ(sent["model"], "gemma3:4b");
  EXPECT_EQ(sent["stream"], true);
  EXPECT_EQ(sent["keep_alive"], "5m");
  EXPECT_EQ(sent["messages"][0]["role"], "system");
  EXPECT_EQ(sent["messages"][1]["content"], "hello");
  EXPECT_EQ(sent["options"]["num_predict"], 32);
  EXPECT_EQ(sent["options"]["seed"], 9);
}

TEST_F(OllamaEngineTest, LengthFinish) {
  server_.on("/api/chat", [](const test::FixtureRequest&, test::FixtureResponder& out) {
    out.send(200,
             R"({"message":{"role":"assistant","content":"a b"},"done":false})"
             "\n"
             R"({"message":{"role":"assistant","content":""},"done":true,"done_reason":"length","eval_count":2})",
             {}, "application/x-ndjson");
  });
  const auto result = OllamaEngine(remote(server_.url())).create_session()->chat(hello(), {}, [](const ChatDelta&) {});
  EXPECT_EQ(result.finish_reason, FinishReason::length);
  EXPECT_EQ(result.content, "a b");
}

TEST_F(OllamaEngineTest, ErrorLineBeforeAnyTokenIsAClearError) {
  server_.on("/api/chat", [](const test::FixtureRequest&, test::FixtureResponder& out) {
    out.send(200, "{\"error\":\"model requires more system memory (5.6 GiB) than is available\"}\n", {},
             "application/x-ndjson");
  });
  try {
    OllamaEngine(remote(server_.url())).create_session()->chat(hello(), {}, [](const ChatDelta&) {});
    FAIL() << "expected lv::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("more system memory"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("gemma3:4b"), std::string::npos) << e.what();
  }
}

TEST_F(OllamaEngineTest, ErrorLineMidStreamEndsWithError) {
  server_.on("/api/chat", [](const test::FixtureRequest&, test::FixtureResponder& out) {
    out.begin(200, {{"Content-Type", "application/x-ndjson"}});
    out.write(R"({"message":{"role":"assistant","content":"par"},"done":false})"
              "\n");
    out.write(R"({"error":"an error was encountered while running the model"})"
              "\n");
    out.end();
  });
  const auto result = OllamaEngine(remote(server_.url())).create_session()->chat(hello(), {}, [](const ChatDelta&) {});
  EXPECT_EQ(result.finish_reason, FinishReason::error);
  EXPECT_EQ(result.content, "par");
  EXPECT_NE(result.error.find("while running the model"), std::string::npos) << result.error;
}

TEST_F(OllamaEngineTest, UnknownModelSuggestsPullingIt) {
  server_.on("/api/chat", [](const test::FixtureRequest&, test::FixtureResponder& out) {
    out.send(404, R"({"error":"model 'gemma3:4b' not found"})", {}, "application/json");
  });
  try {
    OllamaEngine(remote(server_.url())).create_session()->chat(hello(), {}, [](const ChatDelta&) {});
    FAIL() << "expected lv::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not found"), std::string::npos) << e.what();
    EXPECT_NE(e.fix().find("ollama pull gemma3:4b"), std::string::npos) << e.fix();
  }
}

TEST_F(OllamaEngineTest, DroppedMidStreamIsAnError) {
  server_.on("/api/chat", [](const test::FixtureRequest&, test::FixtureResponder& out) {
    out.begin(200, {{"Content-Type", "application/x-ndjson"}}, test::Framing::chunked);
    out.write(R"({"message":{"role":"assistant","content":"par"},"done":false})"
              "\n");
    out.sleep_ms(20);
    out.drop();
  });
  const auto result = OllamaEngine(remote(server_.url())).create_session()->chat(hello(), {}, [](const ChatDelta&) {});
  EXPECT_EQ(result.finish_reason, FinishReason::error);
  EXPECT_EQ(result.content, "par");
  EXPECT_NE(result.error.find(server_.url()), std::string::npos) << result.error;
}

TEST(OllamaEngineConfig, ModelIsRequiredAndUnreachableServerIsClear) {
  RemoteOptions options = remote("");
  options.model.clear();
  EXPECT_THROW(OllamaEngine{options}, Error);

  const std::string url = "http://127.0.0.1:" + std::to_string(test::free_port());
  try {
    OllamaEngine(remote(url)).create_session()->chat(hello(), {}, [](const ChatDelta&) {});
    FAIL() << "expected lv::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot reach Ollama at " + url), std::string::npos) << e.what();
    EXPECT_NE(e.fix().find("ollama serve"), std::string::npos) << e.fix();
  }
}

}  // namespace
}  // namespace lv::llm

namespace lv::llm {
namespace {

// A scripted NDJSON server answering with Ollama's documented tool call reply (arguments as an object).
TEST_F(OllamaEngineTest, ScriptedServerToolCallsWithObjectArguments) {
  std::string body_seen;
  server_.on("/api/chat", [&](const test::FixtureRequest& request, test::FixtureResponder& out) {
    body_seen = request.body;
    out.begin(200, {{"Content-Type", "application/x-ndjson"}});
    out.write(R"({"model":"gemma3:4b","message":{"role":"assistant","content":"","tool_calls":[)"
              R"({"function":{"name":"get_weather","arguments":{"city":"Oslo","days":2}}}]},"done":false})"
              "\n");
    out.write(R"({"model":"gemma3:4b","message":{"role":"assistant","content":""},"done":true,)"
              R"("done_reason":"stop","prompt_eval_count":20,"eval_count":9})"
              "\n");
    out.end();
  });
  ChatOptions options;
  options.tools = {{"get_weather", "Weather", R"({"type":"object","properties":{"city":{"type":"string"}}})"}};
  std::vector<ChatMessage> messages = hello();
  ChatMessage earlier(ChatRole::assistant, "");
  earlier.tool_calls.push_back({"call_0", "get_weather", R"({"city":"Rome"})"});
  messages.push_back(earlier);
  messages.emplace_back(ChatRole::tool, "sunny");
  std::vector<ToolCall> delivered;
  const auto result =
      OllamaEngine(remote(server_.url())).create_session()->chat(messages, options, [&](const ChatDelta& delta) {
        delivered.insert(delivered.end(), delta.tool_calls.begin(), delta.tool_calls.end());
      });
  ASSERT_EQ(result.finish_reason, FinishReason::tool_calls) << result.error;
  ASSERT_EQ(result.tool_calls.size(), 1U);
  EXPECT_EQ(result.tool_calls[0].name, "get_weather");
  EXPECT_EQ(nlohmann::json::parse(result.tool_calls[0].arguments_json),
            nlohmann::json({{"city", "Oslo"}, {"days", 2}}));
  EXPECT_FALSE(result.tool_calls[0].id.empty());
  EXPECT_EQ(delivered.size(), 1U);

  const auto body = nlohmann::json::parse(body_seen);
  EXPECT_EQ(body["tools"][0]["function"]["name"], "get_weather");
  EXPECT_EQ(body["messages"][2]["tool_calls"][0]["function"]["arguments"]["city"], "Rome");  // an object
  EXPECT_EQ(body["messages"][3]["role"], "tool");

  options.tool_choice.mode = ToolChoiceMode::none;
  OllamaEngine(remote(server_.url())).create_session()->chat(hello(), options, [](const ChatDelta&) {});
  EXPECT_FALSE(nlohmann::json::parse(body_seen).contains("tools"));
}

}  // namespace
}  // namespace lv::llm
