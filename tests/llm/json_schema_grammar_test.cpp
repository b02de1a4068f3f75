#include "llm/json_schema_grammar.h"

#include <gtest/gtest.h>

#include <string>

#include "llm/grammar_probe.h"
#include "llm/llama_model.h"
#include "llm/tiny_model_suite.h"
#include "models/llama_backend.h"
#include "util/error.h"

namespace lv::llm {
namespace {

class JsonSchemaGrammarTest : public test::TinyModelSuite {
 protected:
  static void SetUpTestSuite() {
    TinyModelSuite::SetUpTestSuite();
    models::init_llama_backend();
    model_file_ = new LlamaModelPtr(LlamaModel::load(*model_));
  }
  static void TearDownTestSuite() {
    delete model_file_;
    model_file_ = nullptr;
    TinyModelSuite::TearDownTestSuite();
  }
  static bool accepts(const std::string& schema, const std::string& text) {
    return test::grammar_accepts(**model_file_, json_schema_to_gbnf(schema, "schema"), text);
  }
  static inline LlamaModelPtr* model_file_ = nullptr;
};

TEST_F(JsonSchemaGrammarTest, Primitives) {
  EXPECT_TRUE(accepts(R"({"type":"string"})", R"("hi \"there\" \u00e9")"));
  EXPECT_FALSE(accepts(R"({"type":"string"})", "hi"));
  EXPECT_TRUE(accepts(R"({"type":"integer"})", "-42"));
  EXPECT_FALSE(accepts(R"({"type":"integer"})", "4.2"));
  EXPECT_FALSE(accepts(R"({"type":"integer"})", "042"));
  EXPECT_TRUE(accepts(R"({"type":"number"})", "4.25e-3"));
  EXPECT_TRUE(accepts(R"({"type":"boolean"})", "false"));
  EXPECT_FALSE(accepts(R"({"type":"boolean"})", "yes"));
  EXPECT_TRUE(accepts(R"({"type":"null"})", "null"));
}

TEST_F(JsonSchemaGrammarTest, EnumAndConst) {
  const std::string colours = R"({"type":"string","enum":["red","dark \"blue\"",3]})";
  EXPECT_TRUE(accepts(colours, R"("red")"));
  EXPECT_TRUE(accepts(colours, R"("dark \"blue\"")"));
  EXPECT_TRUE(accepts(colours, "3"));
  EXPECT_FALSE(accepts(colours, R"("green")"));
  EXPECT_TRUE(accepts(R"({"const":"celsius"})", R"("celsius")"));
  EXPECT_FALSE(accepts(R"({"const":"celsius"})", R"("kelvin")"));
}

TEST_F(JsonSchemaGrammarTest, ArraysOfItems) {
  const std::string numbers = R"({"type":"array","items":{"type":"integer"}})";
  EXPECT_TRUE(accepts(numbers, "[]"));
  EXPECT_TRUE(accepts(numbers, "[1, 2,3]"));
  EXPECT_FALSE(accepts(numbers, R"([1,"2"])"));
}

TEST_F(JsonSchemaGrammarTest, ObjectsWithRequiredAndOptionalProperties) {
  const std::string schema = R"({"type":"object","properties":{
      "a":{"type":"integer"},"b":{"type":"string"},"c":{"type":"boolean"}},
      "required":["b"],"additionalProperties":false})";
  EXPECT_TRUE(accepts(schema, R"({"b":"x"})"));
  EXPECT_TRUE(accepts(schema, R"({"a": 1, "b": "x"})"));
  EXPECT_TRUE(accepts(schema, R"({"a":1,"b":"x","c":true})"));
  EXPECT_TRUE(accepts(schema, R"({ "b":"x", "c":false })"));
  EXPECT_FALSE(accepts(schema, R"({"a":1})"));          // b is required
  EXPECT_FALSE(accepts(schema, R"({"b":"x","d":1})"));  // no other properties
  EXPECT_FALSE(accepts(schema, R"({"b":"x",})"));
  EXPECT_FALSE(accepts(schema, R"({,"b":"x"})"));
}

TEST_F(JsonSchemaGrammarTest, NestedObjects) {
  const std::string schema = R"({"type":"object","properties":{"where":{"type":"object",
      "properties":{"city":{"type":"string"},"days":{"type":"array","items":{"type":"object",
      "properties":{"n":{"type":"number"}},"required":["n"]}}},"required":["city"]}},"required":["where"]})";
  EXPECT_TRUE(accepts(schema, R"({"where":{"city":"Oslo","days":[{"n":1},{"n":2.5}]}})"));
  EXPECT_FALSE(accepts(schema, R"({"where":{"days":[]}})"));
  EXPECT_TRUE(accepts(R"({"type":"object"})", "{}"));
}

TEST_F(JsonSchemaGrammarTest, ToolCallGrammarCoversEveryToolAndItsArguments) {
  const std::vector<ToolDefinition> tools = {
      {"get_weather", "", R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})"},
      {"set_timer", "", R"({"type":"object","properties":{"minutes":{"type":"integer"}},"required":["minutes"]})"},
      {"stop", "", ""}};
  const std::string grammar = tool_call_gbnf(tools, "<tool_call>\n", "\n</tool_call>");
  auto accepts_call = [&](const std::string& text) { return test::grammar_accepts(**model_file_, grammar, text); };
  EXPECT_TRUE(
      accepts_call("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Rome\"}}\n</tool_call>"));
  EXPECT_TRUE(accepts_call("<tool_call>\n{\"name\":\"set_timer\",\"arguments\":{\"minutes\":5}}\n</tool_call>"));
  EXPECT_TRUE(accepts_call("<tool_call>\n{\"name\":\"stop\",\"arguments\":{}}\n</tool_call>"));
  EXPECT_FALSE(accepts_call("<tool_call>\n{\"name\":\"set_timer\",\"arguments\":{\"city\":\"Rome\"}}\n</tool_call>"));
  EXPECT_FALSE(accepts_call("<tool_call>\n{\"name\":\"unknown\",\"arguments\":{}}\n</tool_call>"));
  EXPECT_FALSE(accepts_call("{\"name\":\"stop\",\"arguments\":{}}"));
}

TEST(JsonSchemaGrammarErrors, UnsupportedKeywordsNameTheSchemaPath) {
  try {
    check_json_schema(R"({"type":"object","properties":{"when":{"oneOf":[{"type":"string"}]}}})",
                      "tools[0].parameters");
    FAIL() << "oneOf was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tools[0].parameters.properties.when: 'oneOf' is not supported"),
              std::string::npos)
        << e.what();
    EXPECT_FALSE(e.fix().empty());
  }
  EXPECT_THROW(check_json_schema(R"({"type":"array"})", "p"), Error);            // no items
  EXPECT_THROW(check_json_schema(R"({"type":["string","null"]})", "p"), Error);  // type lists
  EXPECT_THROW(check_json_schema(R"({"type":"string"})", "p"), Error);           // parameters must be objects
  EXPECT_THROW(check_json_schema("{not json", "p"), Error);
  EXPECT_THROW(check_json_schema(R"({"type":"object","required":["x"]})", "p"), Error);  // unknown property
  EXPECT_NO_THROW(check_json_schema("", "p"));
  EXPECT_NO_THROW(check_json_schema(
      R"({"type":"object","description":"d","properties":{"x":{"type":"string","enum":["a"]}},"additionalProperties":false})",
      "p"));
}

}  // namespace
}  // namespace lv::llm
