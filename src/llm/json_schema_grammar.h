// Turns the JSON Schema subset tools use into GBNF grammars for llama.cpp's constrained sampling.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "llm/llm_types.h"

namespace lv::llm {

// Supported: type object (properties, required, additionalProperties), string, integer, number, boolean, null,
// array (items), enum, const, nested objects; annotations (description, title, default, examples) are ignored.
// Anything else throws lv::Error naming `path` and the keyword ("tools[0].parameters.properties.when: 'oneOf'
// is not supported; ..."). An empty schema text means "no arguments" ({}).
// Returns GBNF rules whose start rule is `root`.
std::string json_schema_to_gbnf(std::string_view schema_json, const std::string& path);

// Checks that `schema_json` uses only the supported subset; throws like json_schema_to_gbnf.
void check_json_schema(std::string_view schema_json, const std::string& path);

// A grammar for exactly one call {"name": "...", "arguments": {...}} to one of `tools`, wrapped in `prefix`
// and `suffix` (e.g. "<tool_call>\n" and "\n</tool_call>"). Tool i's schema is named tools[i].parameters
// in errors.
std::string tool_call_gbnf(const std::vector<ToolDefinition>& tools, std::string_view prefix = {},
                           std::string_view suffix = {});

}  // namespace lv::llm
