// The llama: engine's tool calling, on the random-weight test model: a forced call is always well formed.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "llm/hermes_tools.h"
#include "llm/json_schema_validate.h"
#include "llm/llama_engine.h"
#include "llm/tiny_model_suite.h"
#include "util/error.h"

namespace lv::llm {
namespace {

const ToolDefinition kWeather{"get_weather", "Current weather for a city", R"({"type":"object","properties":{
    "city":{"type":"string","enum":["Oslo","Rome","Lima"]},"unit":{"type":"string","enum":["c","f"]},
    "days":{"type":"integer"}},"required":["city","days"],"additionalProperties":false})"};
const ToolDefinition kTimer{"set_timer", "Starts a timer", R"({"type":"object","properties":{
    "minutes":{"type":"number"},"loud":{"type":"boolean"},"at":{"type":"object","properties":{
    "h":{"type":"integer"},"m":{"type":"integer"}},"required":["h","m"]}},"required":["minutes","at"]})"};
const ToolDefinition kLights{"lights", "Switches lights", R"({"type":"object","properties":{
    "rooms":{"type":"array","items":{"enum":["hall","kitchen"]}},"on":{"const":true}},"required":["rooms","on"]})"};

class LlamaToolCallsTest : public test::TinyModelSuite {
 protected:
  static void SetUpTestSuite() {
    TinyModelSuite::SetUpTestSuite();
    LlamaEngineOptions options;
    options.model_path = *model_;
    options.threads = 2;
    engine_ = new std::shared_ptr<LlamaEngine>(LlamaEngine::create(options));
  }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
    TinyModelSuite::TearDownTestSuite();
  }

  static ChatResult chat(const ChatOptions& options, std::vector<ChatDelta>* deltas = nullptr) {
    const std::vector<ChatMessage> messages = {{ChatRole::system, "You help."}, {ChatRole::user, "weather?"}};
    return (*engine_)->create_session()->chat(messages, options, [&](const ChatDelta& delta) {
      if (deltas != nullptr) deltas->push_back(delta);
    });
  }

  static inline std::shared_ptr<LlamaEngine>* engine_ = nullptr;
};

const ToolDefinition* find_tool(const std::vector<ToolDefinition>& tools, const std::string& name) {
  for (const auto& tool : tools) {
    if (tool.name == name) return &tool;
  }
  return nullptr;
}

TEST_F(LlamaToolCallsTest, RequiredChoiceAlwaysGivesAValidCall) {
  const std::vector<ToolDefinition> tools = {kWeather, kTimer, kLights};
  for (std::uint32_t seed = 1; seed <= 6; ++seed) {
    ChatOptions options;
    options.tools = tools;
    options.tool_choice.mode = ToolChoiceMode::required;
    options.seed = seed;
    options.temperature = 1.0F;
    std::vector<ChatDelta> deltas;
    const ChatResult result = chat(options, &deltas);
    ASSERT_EQ(result.finish_reason, FinishReason::tool_calls) << "seed " << seed << ": " << result.content;
    ASSERT_EQ(result.tool_calls.size(), 1U);
    const ToolCall& call = result.tool_calls.front();
    const ToolDefinition* tool = find_tool(tools, call.name);
    ASSERT_NE(tool, nullptr) << call.name;
    EXPECT_EQ(json_schema_violation(call.arguments_json, tool->parameters_json), "") << call.arguments_json;
    EXPECT_FALSE(call.id.empty());
    EXPECT_EQ(result.content, "");  // the call text is not streamed as content
    ASSERT_FALSE(deltas.empty());
    EXPECT_EQ(deltas.back().tool_calls.size(), 1U);
  }
}

TEST_F(LlamaToolCallsTest, NamedFunctionIsTheOneCalled) {
  for (std::uint32_t seed = 1; seed <= 3; ++seed) {
    ChatOptions options;
    options.tools = {kWeather, kTimer, kLights};
    options.tool_choice = {ToolChoiceMode::function, "set_timer"};
    options.seed = seed;
    const ChatResult result = chat(options);
    ASSERT_EQ(result.finish_reason, FinishReason::tool_calls) << result.content;
    ASSERT_EQ(result.tool_calls.size(), 1U);
    EXPECT_EQ(result.tool_calls[0].name, "set_timer");
    EXPECT_EQ(json_schema_violation(result.tool_calls[0].arguments_json, kTimer.parameters_json), "");
  }
  ChatOptions unknown;
  unknown.tools = {kWeather};
  unknown.tool_choice = {ToolChoiceMode::function, "nope"};
  EXPECT_THROW(chat(unknown), Error);
}

TEST_F(LlamaToolCallsTest, NoToolsOrChoiceNoneIsPlainChat) {
  ChatOptions plain;
  plain.seed = 3;
  plain.max_tokens = 16;
  ChatOptions none = plain;
  none.tools = {kWeather};
  none.tool_choice.mode = ToolChoiceMode::none;
  const ChatResult a = chat(plain);
  const ChatResult b = chat(none);
  EXPECT_EQ(a.content, b.content);  // tools are not even described with "none"
  EXPECT_TRUE(b.tool_calls.empty());
  EXPECT_NE(b.finish_reason, FinishReason::tool_calls);
}

TEST(HermesTools, PromptDescribesToolsAndRendersCallsAndResults) {
  std::vector<ChatMessage> messages = {{ChatRole::system, "Be brief."}, {ChatRole::user, "weather in Oslo?"}};
  ChatMessage call(ChatRole::assistant, "");
  call.tool_calls.push_back({"call_1", "get_weather", R"({"city":"Oslo"})"});
  messages.push_back(call);
  ChatMessage answer(ChatRole::tool, R"({"temp_c":3})");
  answer.tool_call_id = "call_1";
  messages.push_back(answer);
  const auto out = hermes_messages(messages, {kWeather});
  ASSERT_EQ(out.size(), 4U);
  EXPECT_EQ(out[0].role, ChatRole::system);
  EXPECT_TRUE(out[0].content.starts_with("Be brief.\n\n# Tools"));
  EXPECT_NE(out[0].content.find("<tools>\n{\"function\":{\"description\":\"Current weather for a city\""),
            std::string::npos)
      << out[0].content;
  EXPECT_EQ(out[2].content, "<tool_call>\n{\"arguments\":{\"city\":\"Oslo\"},\"name\":\"get_weather\"}\n</tool_call>");
  EXPECT_EQ(out[3].role, ChatRole::user);
  EXPECT_EQ(out[3].content, "<tool_response>\n{\"temp_c\":3}\n</tool_response>");
}

TEST(HermesTools, ParsesCallsAfterTextIncludingAnUnterminatedLastOne) {
  const auto parsed = parse_hermes_tool_calls(
      "Let me check.\n<tool_call>\n{\"name\": \"a\", \"arguments\": {\"x\": 1}}\n</tool_call>\n"
      "<tool_call>{\"name\":\"broken\"\n</tool_call><tool_call>{\"name\":\"b\",\"arguments\":{}}",
      "7_");
  EXPECT_EQ(parsed.text, "Let me check.");
  ASSERT_EQ(parsed.calls.size(), 2U);
  EXPECT_EQ(parsed.calls[0].name, "a");
  EXPECT_EQ(parsed.calls[0].arguments_json, R"({"x":1})");
  EXPECT_EQ(parsed.calls[1].name, "b");
  EXPECT_NE(parsed.calls[0].id, parsed.calls[1].id);
  EXPECT_TRUE(parse_hermes_tool_calls("just text\n", "x").calls.empty());
  EXPECT_EQ(parse_hermes_tool_calls("just text\n", "x").text, "just text\n");
}

}  // namespace
}  // namespace lv::llm
