#include "tools/argument_check.h"

#include <cmath>

namespace lv::tools {
namespace {

using nlohmann::json;

bool has_type(const json& value, const std::string& type) {
  if (type == "string") return value.is_string();
  if (type == "boolean") return value.is_boolean();
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "number") return value.is_number();
  if (type == "integer") {
    if (value.is_number_integer()) return true;
    // 5.0 is a whole number; language models write it that way.
    return value.is_number_float() && std::isfinite(value.get<double>()) &&
           std::floor(value.get<double>()) == value.get<double>();
  }
  if (type == "null") return value.is_null();
  return true;
}

std::string article(const std::string& type) {
  return (type == "integer" || type == "object" || type == "array") ? "an " + type : "a " + type;
}

std::optional<std::string> check_property(const std::string& name, const json& property, const json& value) {
  if (const auto type = property.find("type"); type != property.end() && type->is_string()) {
    if (!has_type(value, type->get<std::string>())) {
      return "'" + name + "' must be " + article(type->get<std::string>()) + ", not " + value.dump();
    }
  }
  if (const auto choices = property.find("enum"); choices != property.end() && choices->is_array()) {
    bool found = false;
    for (const auto& choice : *choices) found = found || choice == value;
    if (!found) return "'" + name + "' must be one of " + choices->dump() + ", not " + value.dump();
  }
  if (value.is_number()) {
    const double number = value.get<double>();
    if (const auto min = property.find("minimum"); min != property.end() && min->is_number() && number < *min) {
      return "'" + name + "' must be at least " + min->dump() + ", not " + value.dump();
    }
    if (const auto max = property.find("maximum"); max != property.end() && max->is_number() && number > *max) {
      return "'" + name + "' must be at most " + max->dump() + ", not " + value.dump();
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> check_arguments(const json& schema, const json& arguments) {
  if (!arguments.is_object()) {
    return "the arguments must be a JSON object, not " + arguments.dump();
  }
  const json properties = schema.value("properties", json::object());
  if (const auto required = schema.find("required"); required != schema.end() && required->is_array()) {
    for (const auto& name : *required) {
      if (name.is_string() && !arguments.contains(name.get<std::string>())) {
        return "'" + name.get<std::string>() + "' is required";
      }
    }
  }
  for (const auto& [name, value] : arguments.items()) {
    const auto property = properties.find(name);
    if (property == properties.end()) {
      return "unknown argument '" + name + "'";
    }
    if (auto problem = check_property(name, *property, value)) return problem;
  }
  return std::nullopt;
}

}  // namespace lv::tools
