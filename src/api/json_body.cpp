#include "api/json_body.h"

namespace lv::api {
namespace {

[[noreturn]] void wrong_type(std::string_view field, std::string_view expected, const nlohmann::json& value) {
  throw server::HttpError(
      400, "field '" + std::string(field) + "' must be " + std::string(expected) + ", not " + value.type_name(),
      "invalid_request_error", "invalid_type");
}

const nlohmann::json* find(const nlohmann::json& object, std::string_view field) {
  const auto it = object.find(field);
  if (it == object.end() || it->is_null()) {
    return nullptr;
  }
  return &*it;
}

}  // namespace

nlohmann::json parse_json_object(const server::HttpRequest& request) {
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded()) {
    // Parse again with exceptions on, only to get the position for the message.
    std::string detail;
    try {
      const auto ignored = nlohmann::json::parse(request.body);
    } catch (const nlohmann::json::parse_error& e) {
      detail = std::string(": ") + e.what();
    }
    throw server::HttpError(400, "request body is not valid JSON" + detail, "invalid_request_error", "invalid_json");
  }
  if (!body.is_object()) {
    throw server::HttpError(400, std::string("request body must be a JSON object, not ") + body.type_name(),
                            "invalid_request_error", "invalid_json");
  }
  return body;
}

std::optional<std::string> optional_string(const nlohmann::json& object, std::string_view field) {
  const auto* value = find(object, field);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_string()) {
    wrong_type(field, "a string", *value);
  }
  return value->get<std::string>();
}

std::string required_string(const nlohmann::json& object, std::string_view field) {
  auto value = optional_string(object, field);
  if (!value) {
    throw server::HttpError(400, "missing required field '" + std::string(field) + "'", "invalid_request_error",
                            "missing_field");
  }
  return *value;
}

std::optional<double> optional_number(const nlohmann::json& object, std::string_view field) {
  const auto* value = find(object, field);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_number()) {
    wrong_type(field, "a number", *value);
  }
  return value->get<double>();
}

std::optional<bool> optional_bool(const nlohmann::json& object, std::string_view field) {
  const auto* value = find(object, field);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_boolean()) {
    wrong_type(field, "true or false", *value);
  }
  return value->get<bool>();
}

}  // namespace lv::api
