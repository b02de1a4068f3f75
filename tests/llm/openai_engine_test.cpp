#include "llm/openai_engine.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "llm/llama_server_process.h"
#include "llm/text_stream.h"
#include "llm/tiny_model.h"
#include "net/fixture_http_server.h"
#include "support/test_paths.h"
#include "util/error.h"
#include "util/utf8.h"

namespace lv::llm {
namespace {

using util::is_valid_utf8;

using Clock = std::chrono::steady_clock;

double elapsed_ms(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

std::vector<ChatMessage> hello() { return {{ChatRole::system, "Be brief."}, {ChatRole::user, "hello"}}; }

ChatOptions seeded(int max_tokens) {
  ChatOptions options;
  options.seed = 4;
  options.temperature = 1.0F;
  options.max_tokens = max_tokens;
  return options;
}

RemoteOptions remote(const std::string& base_url, int connect_timeout_ms = 2000) {
  RemoteOptions options;
  options.base_url = base_url;
  options.model = "tiny";
  options.connect_timeout_ms = connect_timeout_ms;
  options.first_token_timeout_ms = 10000;
  options.idle_timeout_ms = 5000;
  return options;
}

class OpenAiEngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<test::TempDir>();
    model_ = test::make_tiny_gguf(dir_->path());
    server_ = std::make_unique<test::LlamaServerProcess>(model_, dir_->path() / "server.log",
                                                         std::vector<std::string>{"-c", "1024"});
    server_->start();
  }
  static void TearDownTestSuite() {
    server_.reset();
    dir_.reset();
  }

  static inline std::unique_ptr<test::TempDir> dir_;
  static inline std::filesystem::path model_;
  static inline std::unique_ptr<test::LlamaServerProcess> server_;
};

TEST_F(OpenAiEngineTest, StreamsFromLlamaServer) {
  OpenAiEngine engine(remote(server_->url() + "/v1"));
  std::string joined;
  int deltas = 0;
  const auto result = engine.create_session()->chat(hello(), seeded(24), [&](const ChatDelta& delta) {
    ++deltas;
    EXPECT_TRUE(is_valid_utf8(delta.content));
    joined += delta.content;
  });
  ASSERT_NE(result.finish_reason, FinishReason::error) << result.error;
  EXPECT_GT(deltas, 0);
  EXPECT_EQ(joined, result.content);
  EXPECT_GT(result.timings.prompt_tokens, 5);  // from the usage chunk
  EXPECT_GT(result.timings.completion_tokens, 0);
  EXPECT_LE(result.timings.completion_tokens, 24);
  EXPECT_GT(result.timings.time_to_first_token_ms, 0.0);
  if (result.finish_reason == FinishReason::length) {
    EXPECT_EQ(result.timings.completion_tokens, 24);
  }
}

TEST_F(OpenAiEngineTest, BaseUrlWithoutPathGetsV1) {
  OpenAiEngine engine(remote(server_->url()));
  const auto result = engine.create_session()->chat(hello(), seeded(4), [](const ChatDelta&) {});
  EXPECT_NE(result.finish_reason, FinishReason::error) << result.error;
}

TEST_F(OpenAiEngineTest, CancelStopsTheStream) {
  OpenAiEngine engine(remote(server_->url()));
  std::stop_source stop;
  int after_stop = 0;
  const auto result = engine.create_session()->chat(
      hello(), seeded(400),
      [&](const ChatDelta&) {
        if (stop.stop_requested()) {
          ++after_stop;
        }
        stop.request_stop();
      },
      stop.get_token());
  // Even when the rest of the answer already arrived in the same read, nothing more is delivered.
  EXPECT_EQ(result.finish_reason, FinishReason::cancelled);
  EXPECT_EQ(after_stop, 0);
}

TEST_F(OpenAiEngineTest, WrongEndpointIsA404Error) {
  OpenAiEngine engine(remote(server_->url() + "/nope"));
  try {
    engine.create_session()->chat(hello(), seeded(4), [](const ChatDelta&) {});
    FAIL() << "expected lv::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("HTTP 404"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(server_->url()), std::string::npos) << e.what();
  }
}

TEST(OpenAiEngineProcess, ServerKilledMidStreamIsAnErrorNotAHang) {
  test::TempDir dir;
  const auto model = test::make_tiny_gguf(dir.path());
  test::LlamaServerProcess server(model, dir.path() / "server.log", {"-c", "4096", "--ignore-eos"});
  server.start();
  OpenAiEngine engine(remote(server.url()));
  int deltas = 0;
  const auto started = Clock::now();
  const auto result = engine.create_session()->chat(hello(), seeded(4000), [&](const ChatDelta&) {
    if (++deltas == 3) {
      server.kill();
    }
  });
  EXPECT_EQ(result.finish_reason, FinishReason::error);
  EXPECT_NE(result.error.find(server.url()), std::string::npos) << result.error;
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - started).count(), 10.0);
}

TEST(OpenAiEngineProcess, ServerNotYetListeningIsRetried) {
  test::TempDir dir;
  const auto model = test::make_tiny_gguf(dir.path());
  test::LlamaServerProcess server(model, dir.path() / "server.log", {"-c", "512"});
  std::thread late_start([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    server.start();
  });
  OpenAiEngine engine(remote(server.url(), 15000));
  const auto result = engine.create_session()->chat(hello(), seeded(4), [](const ChatDelta&) {});
  late_start.join();
  EXPECT_NE(result.finish_reason, FinishReason::error) << result.error;
}

TEST(OpenAiEngineProcess, NobodyListeningIsAClearErrorWithinTheBudget) {
  const std::uint16_t port = test::free_port();
  OpenAiEngine engine(remote("http://127.0.0.1:" + std::to_string(port) + "/v1", 600));
  const auto started = Clock::now();
  try {
    engine.create_session()->chat(hello(), seeded(4), [](const ChatDelta&) {});
    FAIL() << "expected lv::Error";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cannot reach"), std::string::npos) << what;
    EXPECT_NE(what.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << what;
    EXPECT_NE(what.find("refused"), std::string::npos) << what;
    EXPECT_NE(e.fix().find("llama-server"), std::string::npos) << e.fix();
  }
  EXPECT_LT(elapsed_ms(started), 3000.0);
}

// Scripted servers for what a real one will not do on demand.
class OpenAiFixtureTest : public ::testing::Test {
 protected:
  test::FixtureHttpServer server_;
};

TEST_F(OpenAiFixtureTest, UnknownModel404NamesTheModel) {
  server_.on("/v1/chat/completions", [](const test::FixtureRequest&, test::FixtureResponder& out) {
    out.send(404, R"({"error":{"message":"The model `gpt-9` does not exist","type":"invalid_request_error"}})", {},
             "application/json");
  });
  OpenAiEngine engine(remote(server_.url("/v1")));
  try {
    engine.create_session()->chat(hello(), seeded(4), [](const ChatDelta&) {});
    FAIL() << "expected lv::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'tiny'"), std::string::npos) << e.what();
    EXPECT_NE(e.fix().find("?model="), std::string::npos) << e.fix();
  }
}

TEST_F(OpenAiFixtureTest, SendsTheApiKeyAndReportsARejectedOne) {
  ::setenv("LV_TEST_LLM_KEY", "secret-123", 1);
  server_.on("/v1/chat/completions", [](const test::FixtureRequest& request, test::FixtureResponder& out) {
    if (request.header("authorization") != "Bearer secret-123") {
      out.send(401, R"({"error":{"message":"bad key"}})", {}, "application/json");
      return;
    }
    out.begin(200, {{"Content-Type", "text/event-stream"}});
    out.write("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":null}]}\n\n");
    out.write("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
    out.write("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":1}}\n\ndata: [DONE]\n\n");
    out.end();
  });
  RemoteOptions options = remote(server_.url("/v1"));
  options.api_key = std::getenv("LV_TEST_LLM_KEY");
  options.api_key_env = "LV_TEST_LLM_KEY";
  const auto result = OpenAiEngine(options).create_session()->chat(hello(), seeded(4), [](const ChatDelta&) {});
  EXPECT_EQ(result.content, "ok");
  EXPECT_EQ(result.finish_reason, FinishReason::stop);
  EXPECT_EQ(result.timings.prompt_tokens, 7);

  options.api_key = "wrong";
  try {
    OpenAiEngine(options).create_session()->chat(hello(), seeded(4), [](const ChatDelta&) {});
    FAIL() << "expected lv::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("401"), std::string::npos) << e.what();
    EXPECT_NE(e.fix().find("LV_TEST_LLM_KEY"), std::string::npos) << e.fix();
    EXPECT_EQ(std::string(e.what()).find("wrong"), std::string::npos) << "the key must never be shown";
  }
}

TEST_F(OpenAiFixtureTest, ErrorPayloadMidStreamEndsWithError) {
  server_.on("/v1/chat/completions", [](const test::FixtureRequest&, test::FixtureResponder& out) {
    out.begin(200, {{"Content-Type", "text/event-stream"}});
    out.write(": ping\r\n\r\ndata: {\"choices\":[{\"delta\":{\"content\":\"par\"}}]}\r\n\r\n");
    out.write("data: {\"error\":{\"message\":\"out of memory\",\"type\":\"server_error\"}}\r\n\r\n");
    out.end();
  });
  const auto result =
      OpenAiEngine(remote(server_.url("/v1"))).create_session()->chat(hello(), seeded(4), [](const ChatDelta&) {});
  EXPECT_EQ(result.finish_reason, FinishReason::error);
  EXPECT_EQ(result.content, "par");
  EXPECT_NE(result.error.find("out of memory"), std::string::npos) << result.error;
}

TEST_F(OpenAiFixtureTest, StallBeforeTheFirstTokenTimesOut) {
  server_.on("/v1/chat/completions", [](const test::FixtureRequest&, test::FixtureResponder& out) { out.stall(); });
  RemoteOptions options = remote(server_.url("/v1"));
  options.first_token_timeout_ms = 300;
  const auto started = Clock::now();
  EXPECT_THROW(OpenAiEngine(options).create_session()->chat(hello(), seeded(4), [](const ChatDelta&) {}), Error);
  EXPECT_LT(elapsed_ms(started), 3000.0);
  server_.stop();
}

TEST_F(OpenAiFixtureTest, StopSequenceAppliedEvenIfTheServerIgnoresIt) {
  server_.on("/v1/chat/completions", [](const test::FixtureRequest&, test::FixtureResponder& out) {
    out.begin(200, {{"Content-Type", "text/event-stream"}});
    for (const char* piece : {"Hello", " wor", "ld. EN", "D more"}) {
      out.write(std::string("data: {\"choices\":[{\"delta\":{\"content\":\"") + piece + "\"}}]}\n\n");
    }
    out.write("data: [DONE]\n\n");
    out.end();
  });
  ChatOptions options = seeded(50);
  options.stop = {"END"};
  std::string shown;
  const auto result =
      OpenAiEngine(remote(server_.url("/v1"))).create_session()->chat(hello(), options, [&](const ChatDelta& delta) {
        shown += delta.content;
      });
  EXPECT_EQ(shown, "Hello world. ");
  EXPECT_EQ(result.finish_reason, FinishReason::stop);
}

}  // namespace
}  // namespace lv::llm

namespace lv::llm {
namespace {

// A scripted server streaming tool call deltas the way llama-server, vLLM and OpenAI do: the id and name
// first, then the arguments in fragments, two calls interleaved by index (a model decides to call tools;
// the tiny test model cannot, so the stream is scripted).
TEST_F(OpenAiFixtureTest, ScriptedServerToolCallDeltasAreJoinedPerIndex) {
  std::string sent;
  server_.on("/v1/chat/completions", [&sent](const test::FixtureRequest& request, test::FixtureResponder& out) {
    sent = request.body;
    out.begin(200, {{"Content-Type", "text/event-stream"}});
    auto event = [&](const std::string& delta) {
      out.write("data: {\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":null}]}\n\n");
    };
    event(
        R"({"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}}]})");
    event(R"({"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]})");
    event(
        R"({"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"set_timer","arguments":"{\"min"}}]})");
    event(R"({"tool_calls":[{"index":0,"function":{"arguments":" \"Oslo\"}"}}]})");
    event(R"({"tool_calls":[{"index":1,"function":{"arguments":"utes\":5}"}}]})");
    out.write("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\ndata: [DONE]\n\n");
    out.end();
  });
  ChatOptions options = seeded(64);
  options.tools = {{"get_weather", "Weather", R"({"type":"object","properties":{"city":{"type":"string"}}})"},
                   {"set_timer", "Timer", ""}};
  options.tool_choice = {ToolChoiceMode::function, "get_weather"};
  std::vector<ChatMessage> messages = hello();
  ChatMessage earlier(ChatRole::assistant, "");
  earlier.tool_calls.push_back({"call_0", "get_weather", R"({"city":"Rome"})"});
  messages.push_back(earlier);
  ChatMessage answer(ChatRole::tool, "sunny");
  answer.tool_call_id = "call_0";
  messages.push_back(answer);
  std::vector<ToolCall> delivered;
  const auto result =
      OpenAiEngine(remote(server_.url("/v1"))).create_session()->chat(messages, options, [&](const ChatDelta& delta) {
        delivered.insert(delivered.end(), delta.tool_calls.begin(), delta.tool_calls.end());
      });
  ASSERT_EQ(result.finish_reason, FinishReason::tool_calls) << result.error;
  ASSERT_EQ(result.tool_calls.size(), 2U);
  EXPECT_EQ(result.tool_calls[0].id, "call_a");
  EXPECT_EQ(result.tool_calls[0].name, "get_weather");
  EXPECT_EQ(result.tool_calls[0].arguments_json, R"({"city": "Oslo"})");
  EXPECT_EQ(result.tool_calls[1].id, "call_b");
  EXPECT_EQ(result.tool_calls[1].arguments_json, R"({"minutes":5})");
  EXPECT_EQ(delivered.size(), 2U);
  EXPECT_EQ(result.content, "");

  const auto body = nlohmann::json::parse(sent);
  EXPECT_EQ(body["tools"][0]["type"], "function");
  EXPECT_EQ(body["tools"][0]["function"]["parameters"]["properties"]["city"]["type"], "string");
  EXPECT_EQ(body["tool_choice"]["function"]["name"], "get_weather");
  EXPECT_EQ(body["parallel_tool_calls"], true);
  EXPECT_EQ(body["messages"][2]["tool_calls"][0]["function"]["arguments"], R"({"city":"Rome"})");
  EXPECT_EQ(body["messages"][3]["role"], "tool");
  EXPECT_EQ(body["messages"][3]["tool_call_id"], "call_0");
}

}  // namespace
}  // namespace lv::llm
