// One sentence template of the intent matcher, in the spirit of Home Assistant's hassil:
// "(set|start) [a] timer for {duration}" — (a|b) alternatives, [x] optional words, {slot} slots.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lv::tools {

// A slot's value: seconds for {duration}, a number for {number}, "HH:MM" for {time}, words for {label}.
using SlotValue = std::variant<double, std::string>;
using SlotValues = std::map<std::string, SlotValue>;

// Lower-case words of an utterance or template: punctuation dropped (but "what's", "o'clock", "5:30" and
// "2.5" kept whole), hyphens split ("twenty-five").
std::vector<std::string> intent_words(std::string_view text);

class IntentTemplate {
 public:
  // Slots are {duration}, {number}, {time}, {label}, or {name:type} with one of those types.
  // Throws lv::Error for unbalanced brackets, an empty alternative or an unknown slot type.
  explicit IntentTemplate(std::string_view sentence);

  const std::string& sentence() const { return sentence_; }
  // The slot values when `words` are one reading of the template, taken whole; nullopt otherwise.
  std::optional<SlotValues> match(const std::vector<std::string>& words) const;

  struct Node {
    enum class Kind { word, sequence, choice, optional, slot } kind = Kind::sequence;
    std::string text;       // a word, or a slot's name
    std::string slot_type;  // for a slot
    std::vector<Node> children;
  };

 private:
  std::string sentence_;
  Node root_;
};

}  // namespace lv::tools
