// Checks a tool call's arguments against the subset of JSON Schema tools declare: an object whose
// properties have a type (string, integer, number, boolean, object, array), maybe an enum, and required names.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace lv::tools {

// The problem with `arguments`, naming the field ("'duration_s' is required", "'label' must be a string"),
// or nullopt when they fit `schema`. Properties the schema does not name are refused too, so a misspelt
// argument is reported instead of silently ignored.
std::optional<std::string> check_arguments(const nlohmann::json& schema, const nlohmann::json& arguments);

}  // namespace lv::tools
