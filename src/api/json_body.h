// Reading JSON request bodies with errors that say exactly which field is wrong.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "server/http_types.h"

namespace lv::api {

// Parses the body as a JSON object; throws server::HttpError 400 naming the problem (and its position).
nlohmann::json parse_json_object(const server::HttpRequest& request);

// Field accessors: absent -> nullopt (or the fallback); present with the wrong type -> HttpError 400 naming
// the field and the expected type.
std::optional<std::string> optional_string(const nlohmann::json& object, std::string_view field);
std::string required_string(const nlohmann::json& object, std::string_view field);
std::optional<double> optional_number(const nlohmann::json& object, std::string_view field);
std::optional<bool> optional_bool(const nlohmann::json& object, std::string_view field);

}  // namespace lv::api
