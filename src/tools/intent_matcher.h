// Maps a spoken command to a tool call without a language model, from sentence templates in a data file
// (src/tools/intents/en.json is compiled in; users add their own file of the same shape).
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/intent_template.h"

namespace lv::tools {

struct IntentMatch {
  std::string intent;  // the intent's name ("set_timer")
  std::string tool;
  nlohmann::json arguments = nlohmann::json::object();
  std::string sentence;  // the template that matched
};

class IntentMatcher {
 public:
  // The templates shipped with the program.
  static IntentMatcher builtin();
  // Parses an intents file: {"language":"en","intents":[{"name","tool","arguments":{...},"sentences":[...]}]}.
  // An argument whose value is "{slot}" takes the slot's value (left out when the sentence has no such slot);
  // any other value is passed as it is. Throws lv::Error naming `source` and the problem.
  static IntentMatcher from_json(std::string_view text, std::string_view source);
  // The built-in templates, then those of `extra_file` (the tools.intents_file setting) when it is not empty.
  // Throws lv::Error for an unreadable or malformed file.
  static IntentMatcher load(const std::filesystem::path& extra_file);

  // Adds `other`'s intents after this one's (earlier intents win when two match).
  void extend(IntentMatcher other);
  std::optional<IntentMatch> match(std::string_view utterance) const;
  std::size_t size() const { return intents_.size(); }

 private:
  struct Intent {
    std::string name;
    std::string tool;
    nlohmann::json arguments;
    std::vector<IntentTemplate> templates;
  };
  std::vector<Intent> intents_;
};

}  // namespace lv::tools
