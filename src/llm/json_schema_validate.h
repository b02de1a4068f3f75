// Checks a JSON value (a tool call's arguments) against the JSON Schema subset that tools use.
#pragma once

#include <string>
#include <string_view>

namespace lv::llm {

// Returns "" when `value_json` is valid JSON that satisfies `schema_json` (empty schema: an object with
// nothing required), else what is wrong and where ("arguments.city: expected a string").
std::string json_schema_violation(std::string_view value_json, std::string_view schema_json,
                                  const std::string& path = "arguments");

}  // namespace lv::llm
