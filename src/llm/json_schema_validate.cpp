#include "llm/json_schema_validate.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace lv::llm {
namespace {

using nlohmann::json;

bool has_type(const json& value, const std::string& type) {
  if (type == "string") return value.is_string();
  if (type == "integer")
    return value.is_number_integer() ||
           (value.is_number_float() && std::floor(value.get<double>()) == value.get<double>());
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_boolean();
  if (type == "null") return value.is_null();
  if (type == "array") return value.is_array();
  if (type == "object") return value.is_object();
  return false;
}

std::string violation(const json& value, const json& schema, const std::string& path) {
  if (!schema.is_object()) {
    return {};
  }
  if (const auto constant = schema.find("const"); constant != schema.end() && value != *constant) {
    return path + ": must be " + constant->dump();
  }
  if (const auto choices = schema.find("enum"); choices != schema.end() && choices->is_array()) {
    bool found = false;
    for (const auto& choice : *choices) {
      found = found || choice == value;
    }
    if (!found) {
      return path + ": must be one of " + choices->dump();
    }
  }
  if (const auto type = schema.find("type"); type != schema.end() && type->is_string()) {
    if (!has_type(value, type->get<std::string>())) {
      return path + ": expected " + type->get<std::string>() + ", got " + value.dump();
    }
  }
  if (value.is_array()) {
    if (const auto items = schema.find("items"); items != schema.end()) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (auto bad = violation(value[i], *items, path + "[" + std::to_string(i) + "]"); !bad.empty()) {
          return bad;
        }
      }
    }
  }
  if (value.is_object()) {
    const json empty = json::object();
    const auto found = schema.find("properties");
    const json& properties = found != schema.end() && found->is_object() ? *found : empty;
    if (const auto required = schema.find("required"); required != schema.end() && required->is_array()) {
      for (const auto& name : *required) {
        if (name.is_string() && !value.contains(name.get<std::string>())) {
          return path + ": missing required property '" + name.get<std::string>() + "'";
        }
      }
    }
    const bool closed = schema.value("additionalProperties", true) == false;
    for (const auto& [key, member] : value.items()) {
      if (const auto property = properties.find(key); property != properties.end()) {
        if (auto bad = violation(member, *property, path + "." + key); !bad.empty()) {
          return bad;
        }
      } else if (closed) {
        return path + ": unexpected property '" + key + "'";
      }
    }
  }
  return {};
}

}  // namespace

std::string json_schema_violation(std::string_view value_json, std::string_view schema_json, const std::string& path) {
  const json value = json::parse(value_json, nullptr, false);
  if (value.is_discarded()) {
    return path + ": not valid JSON";
  }
  const json schema = schema_json.empty() ? json{{"type", "object"}} : json::parse(schema_json, nullptr, false);
  if (schema.is_discarded()) {
    return path + ": the schema is not valid JSON";
  }
  return violation(value, schema, path);
}

}  // namespace lv::llm
