#include "llm/json_schema_validate.h"

#include <gtest/gtest.h>

namespace lv::llm {
namespace {

constexpr const char* kSchema = R"({"type":"object","properties":{
    "city":{"type":"string"},"days":{"type":"integer"},"unit":{"enum":["c","f"]},
    "tags":{"type":"array","items":{"type":"string"}},"at":{"type":"object","properties":{"h":{"type":"number"}}}},
    "required":["city"],"additionalProperties":false})";

TEST(JsonSchemaViolation, ValidArgumentsPass) {
  EXPECT_EQ(json_schema_violation(R"({"city":"Oslo"})", kSchema), "");
  EXPECT_EQ(json_schema_violation(R"({"city":"Oslo","days":3,"unit":"c","tags":["a"],"at":{"h":1.5}})", kSchema), "");
  EXPECT_EQ(json_schema_violation("{}", ""), "");
}

TEST(JsonSchemaViolation, EachProblemIsNamedWithItsPath) {
  EXPECT_EQ(json_schema_violation(R"({"days":3})", kSchema), "arguments: missing required property 'city'");
  EXPECT_EQ(json_schema_violation(R"({"city":1})", kSchema), "arguments.city: expected string, got 1");
  EXPECT_EQ(json_schema_violation(R"({"city":"x","days":1.5})", kSchema), "arguments.days: expected integer, got 1.5");
  EXPECT_EQ(json_schema_violation(R"({"city":"x","unit":"k"})", kSchema),
            R"(arguments.unit: must be one of ["c","f"])");
  EXPECT_EQ(json_schema_violation(R"({"city":"x","tags":["a",2]})", kSchema),
            "arguments.tags[1]: expected string, got 2");
  EXPECT_EQ(json_schema_violation(R"({"city":"x","at":{"h":"noon"}})", kSchema),
            R"(arguments.at.h: expected number, got "noon")");
  EXPECT_EQ(json_schema_violation(R"({"city":"x","zip":1})", kSchema), "arguments: unexpected property 'zip'");
  EXPECT_EQ(json_schema_violation("{oops", kSchema), "arguments: not valid JSON");
  EXPECT_EQ(json_schema_violation("[]", kSchema), "arguments: expected object, got []");
}

}  // namespace
}  // namespace lv::llm
