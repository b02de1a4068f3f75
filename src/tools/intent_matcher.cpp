#include "tools/intent_matcher.h"

#include <fstream>
#include <sstream>

#include "tools/intents_data.h"
#include "util/error.h"

namespace lv::tools {
namespace {

using nlohmann::json;

[[noreturn]] void bad_file(std::string_view source, const std::string& problem) {
  throw Error(
      "intents file " + std::string(source) + ": " + problem,
      "see docs/tools.md for the file's shape: {\"intents\":[{\"name\",\"tool\",\"arguments\",\"sentences\"}]}");
}

json slot_json(const SlotValue& value) {
  if (const auto* number = std::get_if<double>(&value)) {
    if (*number == static_cast<double>(static_cast<std::int64_t>(*number))) return static_cast<std::int64_t>(*number);
    return *number;
  }
  return std::get<std::string>(value);
}

// The slot a value names ("{duration}" -> "duration"), or "".
std::string slot_reference(const json& value) {
  if (!value.is_string()) return {};
  const auto& text = value.get_ref<const std::string&>();
  if (text.size() < 3 || text.front() != '{' || text.back() != '}') return {};
  return text.substr(1, text.size() - 2);
}

}  // namespace

IntentMatcher IntentMatcher::builtin() { return from_json(detail::kEnglishIntents, "(built in)"); }

IntentMatcher IntentMatcher::from_json(std::string_view text, std::string_view source) {
  json document;
  try {
    document = json::parse(text);
  } catch (const json::parse_error& e) {
    bad_file(source, std::string("not valid JSON: ") + e.what());
  }
  if (!document.is_object() || !document.contains("intents") || !document["intents"].is_array()) {
    bad_file(source, "needs an \"intents\" list");
  }
  IntentMatcher matcher;
  for (const auto& item : document["intents"]) {
    if (!item.is_object() || !item.contains("tool") || !item["tool"].is_string() || !item.contains("sentences") ||
        !item["sentences"].is_array()) {
      bad_file(source, "each intent needs \"tool\" (text) and \"sentences\" (a list): " + item.dump());
    }
    Intent intent;
    intent.tool = item["tool"].get<std::string>();
    intent.name = item.value("name", intent.tool);
    intent.arguments = item.value("arguments", json::object());
    if (!intent.arguments.is_object()) bad_file(source, "\"arguments\" of " + intent.name + " must be an object");
    for (const auto& sentence : item["sentences"]) {
      if (!sentence.is_string()) bad_file(source, "sentences of " + intent.name + " must be text");
      intent.templates.emplace_back(sentence.get<std::string>());
    }
    matcher.intents_.push_back(std::move(intent));
  }
  return matcher;
}

IntentMatcher IntentMatcher::load(const std::filesystem::path& extra_file) {
  IntentMatcher matcher = builtin();
  if (extra_file.empty()) return matcher;
  std::ifstream in(extra_file, std::ios::binary);
  if (!in) {
    throw Error("cannot read intents file '" + extra_file.string() + "'",
                "fix tools.intents_file, or leave it empty for the built-in templates only");
  }
  std::ostringstream text;
  text << in.rdbuf();
  matcher.extend(from_json(text.str(), extra_file.string()));
  return matcher;
}

void IntentMatcher::extend(IntentMatcher other) {
  for (auto& intent : other.intents_) intents_.push_back(std::move(intent));
}

std::optional<IntentMatch> IntentMatcher::match(std::string_view utterance) const {
  const auto words = intent_words(utterance);
  if (words.empty()) return std::nullopt;
  for (const auto& intent : intents_) {
    for (const auto& sentence : intent.templates) {
      const auto values = sentence.match(words);
      if (!values) continue;
      IntentMatch found{intent.name, intent.tool, json::object(), sentence.sentence()};
      for (const auto& [name, value] : intent.arguments.items()) {
        const std::string slot = slot_reference(value);
        if (slot.empty()) {
          found.arguments[name] = value;
        } else if (const auto it = values->find(slot); it != values->end()) {
          found.arguments[name] = slot_json(it->second);
        }
      }
      return found;
    }
  }
  return std::nullopt;
}

}  // namespace lv::tools
