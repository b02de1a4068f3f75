#include "llm/json_schema_grammar.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <set>
#include <utility>

#include "util/error.h"

namespace lv::llm {
namespace {

using nlohmann::json;

constexpr std::string_view kSupportedHint =
    "use only type (object, string, integer, number, boolean, null, array), properties, required, "
    "additionalProperties, items, enum and const";

// The primitive rules every grammar shares.
constexpr std::string_view kPrimitives =
    "ws ::= [ \\t\\n]{0,4}\n"
    "string ::= \"\\\"\" char* \"\\\"\"\n"
    "char ::= [^\"\\\\\\x00-\\x1F\\x7F] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4})\n"
    "integer ::= \"-\"? ([0] | [1-9] [0-9]{0,15})\n"
    "number ::= integer (\".\" [0-9]{1,16})? ([eE] [-+]? [0-9]{1,2})?\n"
    "boolean ::= \"true\" | \"false\"\n"
    "null ::= \"null\"\n";

json parse_schema(std::string_view text, const std::string& path) {
  if (text.empty()) {
    return json{{"type", "object"}};
  }
  json schema = json::parse(text, nullptr, false);
  if (schema.is_discarded()) {
    throw Error(path + ": not valid JSON", "give the parameters as a JSON Schema object");
  }
  return schema;
}

// A GBNF string literal matching exactly `text`.
std::string literal(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7F) {
      std::array<char, 8> hex{};
      std::snprintf(hex.data(), hex.size(), "\\x%02X", byte);
      out += hex.data();
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string json_literal(const json& value) {
  return literal(value.dump(-1, ' ', false, json::error_handler_t::replace));
}

// Builds named rules for one schema; rule names are derived from the schema path so they stay unique.
class GrammarBuilder {
 public:
  // Returns the rule (or expression) that matches `schema`.
  std::string value(const json& schema, const std::string& path, const std::string& name) {
    check_keywords(schema, path);
    if (const auto constant = schema.find("const"); constant != schema.end()) {
      return json_literal(*constant);
    }
    if (const auto choices = schema.find("enum"); choices != schema.end()) {
      if (!choices->is_array() || choices->empty()) {
        throw Error(path + ": 'enum' must be a non-empty array", "list the allowed values");
      }
      std::string alternatives;
      for (const auto& choice : *choices) {
        alternatives += (alternatives.empty() ? "" : " | ") + json_literal(choice);
      }
      return add(name, alternatives);
    }
    const auto type = schema.find("type");
    if (type == schema.end() || !type->is_string()) {
      throw Error(path + ": needs a \"type\" (a single type name)", std::string(kSupportedHint));
    }
    std::string kind = type->get<std::string>();
    if (kind == "string" || kind == "integer" || kind == "number" || kind == "boolean" || kind == "null") {
      return kind;
    }
    if (kind == "array") {
      const auto items = schema.find("items");
      if (items == schema.end() || !items->is_object()) {
        throw Error(path + ": an array needs \"items\" (one schema)", "describe the elements with items: {...}");
      }
      const std::string item = value(*items, path + ".items", name + "-item");
      return add(name, "\"[\" ws (" + item + " (\",\" ws " + item + ")*)? ws \"]\"");
    }
    if (kind == "object") {
      return object(schema, path, name);
    }
    throw Error(path + ": type '" + kind + "' is not supported", std::string(kSupportedHint));
  }

  std::string rules() const { return rules_; }

 private:
  static void check_keywords(const json& schema, const std::string& path) {
    if (!schema.is_object()) {
      throw Error(path + ": a schema must be a JSON object", std::string(kSupportedHint));
    }
    static const std::set<std::string, std::less<>> known = {
        "type",     "properties", "required", "additionalProperties", "items",
        "enum",     "const",      "title",    "description",          "default",
        "examples", "$schema",    "$comment"};
    for (const auto& [key, unused] : schema.items()) {
      if (!known.contains(key)) {
        throw Error(path + ": '" + key + "' is not supported", std::string(kSupportedHint));
      }
    }
  }

  std::string object(const json& schema, const std::string& path, const std::string& name) {
    const json empty = json::object();
    const auto found = schema.find("properties");
    const json& properties = found != schema.end() ? *found : empty;
    if (!properties.is_object()) {
      throw Error(path + ".properties: must be an object of schemas", "map each property name to its schema");
    }
    std::set<std::string, std::less<>> required;
    if (const auto list = schema.find("required"); list != schema.end()) {
      if (!list->is_array()) {
        throw Error(path + ".required: must be an array of property names", "list the required names");
      }
      for (const auto& item : *list) {
        if (!item.is_string() || !properties.contains(item.get<std::string>())) {
          throw Error(path + ".required: '" + item.dump() + "' is not one of the properties",
                      "name only properties listed under properties");
        }
        required.insert(item.get<std::string>());
      }
    }
    if (const auto extra = schema.find("additionalProperties"); extra != schema.end() && !extra->is_boolean()) {
      throw Error(path + ".additionalProperties: only true or false is supported", "use false (or leave it out)");
    }
    // Properties come in the declared order; optional ones may be left out. Rule NAME-sI-F matches the
    // properties from I on, F telling whether one was written already (so a comma is needed).
    std::vector<std::pair<std::string, bool>> members;  // (member expression, required)
    int index = 0;
    for (const auto& [key, property] : properties.items()) {
      const std::string member_name = name + "-" + std::to_string(index++);
      const std::string member = value(property, path + ".properties." + key, member_name);
      members.emplace_back(json_literal(key) + " ws \":\" ws " + member, required.contains(key));
    }
    const auto rule = [&](std::size_t i, bool after) {
      return i == members.size() ? std::string("\"\"") : name + "-s" + std::to_string(i) + (after ? "-n" : "-f");
    };
    for (std::size_t i = members.size(); i-- > 0;) {
      for (const bool after : {false, true}) {
        const std::string take = std::string(after ? "\",\" ws " : "") + members[i].first + " " + rule(i + 1, true);
        add(rule(i, after), members[i].second ? take : "(" + take + ") | " + rule(i + 1, after));
      }
    }
    return add(name, "\"{\" ws " + rule(0, false) + " ws \"}\"");
  }

  std::string add(const std::string& name, const std::string& body) {
    rules_ += name + " ::= " + body + "\n";
    return name;
  }

  std::string rules_;
};

}  // namespace

std::string json_schema_to_gbnf(std::string_view schema_json, const std::string& path) {
  GrammarBuilder builder;
  const std::string top = builder.value(parse_schema(schema_json, path), path, "v");
  return "root ::= " + top + "\n" + builder.rules() + std::string(kPrimitives);
}

void check_json_schema(std::string_view schema_json, const std::string& path) {
  const json schema = parse_schema(schema_json, path);
  GrammarBuilder builder;
  builder.value(schema, path, "v");
  if (schema.value("type", "") != "object") {
    throw Error(path + ": a tool's parameters must be an object schema", "use {\"type\": \"object\", ...}");
  }
}

std::string tool_call_gbnf(const std::vector<ToolDefinition>& tools, std::string_view prefix, std::string_view suffix) {
  if (tools.empty()) {
    throw Error("no tools to call", "describe at least one tool");
  }
  GrammarBuilder builder;
  std::string calls;
  for (std::size_t i = 0; i < tools.size(); ++i) {
    const std::string path = "tools[" + std::to_string(i) + "].parameters";
    const std::string name = "t" + std::to_string(i);
    const std::string arguments = builder.value(parse_schema(tools[i].parameters_json, path), path, name);
    calls += (calls.empty() ? "" : " | ") + std::string("(") + json_literal(json(tools[i].name)) +
             " ws \",\" ws \"\\\"arguments\\\"\" ws \":\" ws " + arguments + ")";
  }
  std::string out = "root ::= " + literal(prefix) + " call " + literal(suffix) + "\n";
  out += "call ::= \"{\" ws \"\\\"name\\\"\" ws \":\" ws (" + calls + ") ws \"}\"\n";
  return out + builder.rules() + std::string(kPrimitives);
}

}  // namespace lv::llm
