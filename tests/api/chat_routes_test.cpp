#include "api/chat_routes.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "llm/json_schema_validate.h"
#include "llm/llama_engine.h"
#include "llm/openai_engine.h"
#include "llm/text_stream.h"
#include "llm/tiny_model.h"
#include "metrics/registry.h"
#include "net/http_client.h"
#include "server/http_server.h"
#include "support/test_paths.h"
#include "util/utf8.h"

namespace lv::api {
namespace {

using nlohmann::json;

// Wraps the real engine to see how each served generation ended.
class RecordingEngine : public llm::LlmEngine {
 public:
  explicit RecordingEngine(llm::LlmEnginePtr inner) : inner_(std::move(inner)) {}

  class Session : public llm::LlmSession {
   public:
    Session(llm::LlmSessionPtr inner, RecordingEngine& owner) : inner_(std::move(inner)), owner_(owner) {}
    llm::ChatResult chat(const std::vector<llm::ChatMessage>& messages, const llm::ChatOptions& options,
                         const llm::DeltaCallback& on_delta, std::stop_token stop) override {
      auto result = inner_->chat(messages, options, on_delta, stop);
      std::lock_guard lock(owner_.mutex_);
      owner_.results_.push_back(result);
      return result;
    }

   private:
    llm::LlmSessionPtr inner_;
    RecordingEngine& owner_;
  };

  llm::LlmSessionPtr create_session() override { return std::make_unique<Session>(inner_->create_session(), *this); }
  llm::LlmCapabilities capabilities() const override { return inner_->capabilities(); }
  std::string model_name() const override { return inner_->model_name(); }

  std::vector<llm::ChatResult> results() {
    std::lock_guard lock(mutex_);
    return results_;
  }

 private:
  llm::LlmEnginePtr inner_;
  std::mutex mutex_;
  std::vector<llm::ChatResult> results_;
};

class ChatRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<test::TempDir>();
    llm::LlamaEngineOptions options;
    options.model_path = test::make_tiny_gguf(dir_->path());
    options.threads = 1;
    engine_ = std::make_shared<RecordingEngine>(llm::LlamaEngine::create(options));
    server::Router router;
    add_chat_routes(router, engine_, "tiny-chat");
    server_ = std::make_unique<server::HttpServer>(server::HttpServerOptions{}, std::move(router),
                                                   std::make_shared<metrics::Registry>());
    port_ = server_->start();
  }
  static void TearDownTestSuite() {
    server_->stop();
    server_.reset();
    engine_.reset();
    dir_.reset();
  }

  static std::string base() { return "http://127.0.0.1:" + std::to_string(port_); }

  static net::HttpClientResponse post(const json& body) {
    net::HttpClientRequest request;
    request.method = "POST";
    request.url = base() + "/v1/chat/completions";
    request.headers = {{"Content-Type", "application/json"}};
    request.body = body.dump();
    request.total_timeout_ms = 20000;
    return net::http_request(request);
  }

  static inline std::unique_ptr<test::TempDir> dir_;
  static inline std::shared_ptr<RecordingEngine> engine_;
  static inline std::unique_ptr<server::HttpServer> server_;
  static inline std::uint16_t port_ = 0;
};

const json kMessages =
    json::array({{{"role", "system"}, {"content", "Be brief."}}, {{"role", "user"}, {"content", "hello"}}});

TEST_F(ChatRoutesTest, OwnOpenAiClientStreamsFromTheServedRoute) {
  llm::RemoteOptions remote;
  remote.base_url = base() + "/v1";
  remote.model = "tiny-chat";
  llm::OpenAiEngine client(remote);
  llm::ChatOptions options;
  options.max_tokens = 16;
  options.seed = 3;
  std::string joined;
  int deltas = 0;
  const auto result =
      client.create_session()->chat({{llm::ChatRole::user, "hello"}}, options, [&](const llm::ChatDelta& delta) {
        ++deltas;
        EXPECT_TRUE(util::is_valid_utf8(delta.content));
        joined += delta.content;
      });
  ASSERT_NE(result.finish_reason, llm::FinishReason::error) << result.error;
  EXPECT_GT(deltas, 0);
  EXPECT_EQ(joined, result.content);
  EXPECT_GT(result.timings.prompt_tokens, 0);  // the usage chunk was served
  EXPECT_EQ(result.timings.completion_tokens, engine_->results().back().timings.completion_tokens);
  EXPECT_EQ(result.content, engine_->results().back().content);
}

TEST_F(ChatRoutesTest, NonStreamingResponseHasTheOpenAiShape) {
  const auto response = post({{"model", "anything"}, {"messages", kMessages}, {"max_tokens", 8}, {"seed", 1}});
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = json::parse(response.body);
  EXPECT_EQ(body["object"], "chat.completion");
  EXPECT_EQ(body["model"], "tiny-chat");
  EXPECT_EQ(body["choices"][0]["message"]["role"], "assistant");
  EXPECT_EQ(body["choices"][0]["message"]["content"], engine_->results().back().content);
  const std::string finish = body["choices"][0]["finish_reason"];
  EXPECT_TRUE(finish == "stop" || finish == "length") << finish;
  EXPECT_EQ(body["usage"]["total_tokens"].get<int>(),
            body["usage"]["prompt_tokens"].get<int>() + body["usage"]["completion_tokens"].get<int>());
  EXPECT_LE(body["usage"]["completion_tokens"].get<int>(), 8);
  EXPECT_EQ(body["id"].get<std::string>().rfind("chatcmpl-", 0), 0U);
}

TEST_F(ChatRoutesTest, StreamEndsWithFinishUsageAndDone) {
  const auto response = post(
      {{"messages", kMessages}, {"max_tokens", 6}, {"stream", true}, {"stream_options", {{"include_usage", true}}}});
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.header("content-type").value_or(""), "text/event-stream");
  std::vector<json> events;
  std::size_t at = 0;
  bool done = false;
  while ((at = response.body.find("data: ", at)) != std::string::npos) {
    const std::size_t end = response.body.find("\n\n", at);
    const std::string data = response.body.substr(at + 6, end - at - 6);
    at = end;
    if (data == "[DONE]") {
      done = true;
      continue;
    }
    events.push_back(json::parse(data));
  }
  ASSERT_TRUE(done);
  ASSERT_GE(events.size(), 3U);
  EXPECT_EQ(events.front()["choices"][0]["delta"]["role"], "assistant");
  const json& finish = events[events.size() - 2];
  EXPECT_FALSE(finish["choices"][0]["finish_reason"].is_null());
  EXPECT_TRUE(events.back()["choices"].empty());
  EXPECT_GT(events.back()["usage"]["prompt_tokens"].get<int>(), 0);
}

TEST_F(ChatRoutesTest, ModelsListsTheServedModel) {
  net::HttpClientRequest request;
  request.url = base() + "/v1/models";
  request.total_timeout_ms = 5000;
  const auto response = net::http_request(request);
  ASSERT_EQ(response.status, 200);
  const json body = json::parse(response.body);
  EXPECT_EQ(body["object"], "list");
  ASSERT_EQ(body["data"].size(), 1U);
  EXPECT_EQ(body["data"][0]["id"], "tiny-chat");
}

const json kWeatherTool = {
    {"type", "function"},
    {"function",
     {{"name", "get_weather"},
      {"description", "Weather for a city"},
      {"parameters",
       {{"type", "object"},
        {"properties", {{"city", {{"type", "string"}, {"enum", {"Oslo", "Rome"}}}}, {"days", {{"type", "integer"}}}}},
        {"required", {"city", "days"}}}}}}};

std::vector<json> sse_events(const std::string& body) {
  std::vector<json> events;
  std::size_t at = 0;
  while ((at = body.find("data: ", at)) != std::string::npos) {
    const std::size_t end = body.find("\n\n", at);
    const std::string data = body.substr(at + 6, end - at - 6);
    at = end;
    if (data != "[DONE]") {
      events.push_back(json::parse(data));
    }
  }
  return events;
}

TEST_F(ChatRoutesTest, RequiredToolChoiceReturnsOpenAiToolCalls) {
  for (int seed = 1; seed <= 3; ++seed) {
    const auto response = post(
        {{"messages", kMessages}, {"tools", json::array({kWeatherTool})}, {"tool_choice", "required"}, {"seed", seed}});
    ASSERT_EQ(response.status, 200) << response.body;
    const json choice = json::parse(response.body)["choices"][0];
    EXPECT_EQ(choice["finish_reason"], "tool_calls");
    EXPECT_TRUE(choice["message"]["content"].is_null());
    ASSERT_EQ(choice["message"]["tool_calls"].size(), 1U);
    const json& call = choice["message"]["tool_calls"][0];
    EXPECT_EQ(call["type"], "function");
    EXPECT_FALSE(call["id"].get<std::string>().empty());
    EXPECT_EQ(call["function"]["name"], "get_weather");
    EXPECT_EQ(llm::json_schema_violation(call["function"]["arguments"].get<std::string>(),
                                         kWeatherTool["function"]["parameters"].dump()),
              "");
  }
}

TEST_F(ChatRoutesTest, StreamedToolCallsComeAsIndexedDeltas) {
  const auto response = post({{"messages", kMessages},
                              {"tools", json::array({kWeatherTool})},
                              {"tool_choice", {{"type", "function"}, {"function", {{"name", "get_weather"}}}}},
                              {"stream", true},
                              {"seed", 2}});
  ASSERT_EQ(response.status, 200) << response.body;
  const auto events = sse_events(response.body);
  std::string arguments;
  std::string name;
  std::string id;
  for (const auto& event : events) {
    const json& delta = event["choices"][0]["delta"];
    if (delta.contains("tool_calls")) {
      const json& call = delta["tool_calls"][0];
      EXPECT_EQ(call["index"], 0);
      if (call.contains("id")) id = call["id"];
      if (call["function"].contains("name")) name += call["function"]["name"].get<std::string>();
      arguments += call["function"].value("arguments", "");
    }
  }
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(name, "get_weather");
  EXPECT_EQ(llm::json_schema_violation(arguments, kWeatherTool["function"]["parameters"].dump()), "");
  EXPECT_EQ(events.back()["choices"][0]["finish_reason"], "tool_calls");
}

TEST_F(ChatRoutesTest, OwnOpenAiClientGetsStreamedToolCallsFromTheServedRoute) {
  llm::RemoteOptions remote;
  remote.base_url = base() + "/v1";
  remote.model = "tiny-chat";
  llm::OpenAiEngine client(remote);
  llm::ChatOptions options;
  options.seed = 5;
  options.tools = {{"get_weather", "Weather", kWeatherTool["function"]["parameters"].dump()}};
  options.tool_choice.mode = llm::ToolChoiceMode::required;
  std::vector<llm::ToolCall> delivered;
  const auto result =
      client.create_session()->chat({{llm::ChatRole::user, "weather?"}}, options, [&](const llm::ChatDelta& delta) {
        delivered.insert(delivered.end(), delta.tool_calls.begin(), delta.tool_calls.end());
      });
  ASSERT_EQ(result.finish_reason, llm::FinishReason::tool_calls) << result.error;
  ASSERT_EQ(result.tool_calls.size(), 1U);
  ASSERT_EQ(delivered.size(), 1U);
  const auto served = engine_->results().back().tool_calls;
  ASSERT_EQ(served.size(), 1U);
  EXPECT_EQ(result.tool_calls[0].id, served[0].id);
  EXPECT_EQ(result.tool_calls[0].name, "get_weather");
  EXPECT_EQ(result.tool_calls[0].arguments_json, served[0].arguments_json);
}

TEST_F(ChatRoutesTest, ToolResultsInTheConversationAreAccepted) {
  json messages = kMessages;
  messages.push_back({{"role", "assistant"},
                      {"content", nullptr},
                      {"tool_calls",
                       {{{"id", "call_1"},
                         {"type", "function"},
                         {"function", {{"name", "get_weather"}, {"arguments", R"({"city":"Oslo","days":1})"}}}}}}});
  messages.push_back({{"role", "tool"}, {"tool_call_id", "call_1"}, {"content", "3 degrees"}});
  const auto response =
      post({{"messages", messages}, {"tools", json::array({kWeatherTool})}, {"max_tokens", 4}, {"seed", 1}});
  ASSERT_EQ(response.status, 200) << response.body;
}

TEST_F(ChatRoutesTest, BadToolsAreOpenAi400sNamingTheField) {
  json one_of = kWeatherTool;
  one_of["function"]["parameters"]["properties"]["when"] = {{"oneOf", json::array({{{"type", "string"}}})}};
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"messages", kMessages}, {"tools", json::array({one_of})}},
       "tools[0].function.parameters.properties.when: 'oneOf' is not supported"},
      {{{"messages", kMessages},
        {"tools", json::array({kWeatherTool})},
        {"tool_choice", {{"type", "function"}, {"function", {{"name", "nope"}}}}}},
       "tool_choice.function.name"},
      {{{"messages", kMessages}, {"tools", json::array({kWeatherTool})}, {"tool_choice", "sometimes"}}, "tool_choice"},
      {{{"messages", kMessages}, {"tools", "get_weather"}}, "tools"},
  };
  for (const auto& [body, mention] : cases) {
    const auto response = post(body);
    EXPECT_EQ(response.status, 400) << body.dump();
    const json error = json::parse(response.body);
    EXPECT_EQ(error["error"]["type"], "invalid_request_error");
    EXPECT_NE(error["error"]["message"].get<std::string>().find(mention), std::string::npos) << response.body;
  }
}

TEST_F(ChatRoutesTest, BadRequestsGetOpenAiErrors) {
  const std::vector<std::pair<json, std::string>> cases = {
      {json::object(), "messages"},
      {{{"messages", json::array({{{"role", "wizard"}, {"content", "x"}}})}}, "wizard"},
      {{{"messages", kMessages}, {"temperature", 7}}, "temperature"},
      {{{"messages", kMessages}, {"stop", 3}}, "stop"},
      {{{"messages", kMessages}, {"n", 2}}, "n=1"},
  };
  for (const auto& [body, mention] : cases) {
    const auto response = post(body);
    EXPECT_EQ(response.status, 400) << body.dump();
    const json error = json::parse(response.body);
    EXPECT_NE(error["error"]["message"].get<std::string>().find(mention), std::string::npos) << response.body;
  }
}

TEST_F(ChatRoutesTest, ClientDisconnectCancelsTheGeneration) {
  // A seed whose answer is long enough to still be running when the client leaves.
  std::uint32_t seed = 1;
  for (; seed < 100; ++seed) {
    const auto probe = post({{"messages", kMessages}, {"max_tokens", 400}, {"seed", seed}, {"temperature", 1.0}});
    if (json::parse(probe.body)["choices"][0]["finish_reason"] == "length") {
      break;
    }
  }
  const std::size_t before = engine_->results().size();
  net::HttpClientRequest request;
  request.method = "POST";
  request.url = base() + "/v1/chat/completions";
  request.body =
      json{{"messages", kMessages}, {"max_tokens", 400}, {"seed", seed}, {"temperature", 1.0}, {"stream", true}}.dump();
  int pieces = 0;
  request.on_body = [&](std::string_view) { return ++pieces < 2; };  // leave after the first pieces
  request.total_timeout_ms = 10000;
  net::http_request(request);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (engine_->results().size() == before && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const auto results = engine_->results();
  ASSERT_GT(results.size(), before);
  EXPECT_EQ(results.back().finish_reason, llm::FinishReason::cancelled);
  EXPECT_LT(results.back().timings.completion_tokens, 400);
}

}  // namespace
}  // namespace lv::api
