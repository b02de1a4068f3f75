#include "tools/intent_template.h"

#include <cctype>
#include <functional>
#include <span>

#include "tools/spoken_duration.h"
#include "tools/spoken_number.h"
#include "util/error.h"

namespace lv::tools {
namespace {

using Node = IntentTemplate::Node;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

[[noreturn]] void bad_template(std::string_view sentence, const std::string& problem) {
  throw Error("intent template \"" + std::string(sentence) + "\": " + problem,
              "use (a|b) for alternatives, [x] for optional words and {duration}, {number}, {time} or {label} "
              "for slots");
}

class TemplateParser {
 public:
  explicit TemplateParser(std::string_view sentence) : text_(sentence) {}

  Node run() {
    Node root = choice_or_sequence('\0');
    if (pos_ != text_.size()) bad_template(text_, "unexpected '" + std::string(1, text_[pos_]) + "'");
    return root;
  }

 private:
  // A sequence, or alternatives separated by '|', up to `close`.
  Node choice_or_sequence(char close) {
    Node choice{Node::Kind::choice, {}, {}, {}};
    choice.children.push_back(sequence(close));
    while (pos_ < text_.size() && text_[pos_] == '|') {
      ++pos_;
      choice.children.push_back(sequence(close));
    }
    for (const auto& alternative : choice.children) {
      if (alternative.children.empty()) bad_template(text_, "an alternative is empty");
    }
    if (close != '\0') {
      if (pos_ >= text_.size() || text_[pos_] != close) bad_template(text_, std::string("missing '") + close + "'");
      ++pos_;
    }
    if (choice.children.size() == 1) return std::move(choice.children.front());
    return choice;
  }

  Node sequence(char close) {
    Node seq{Node::Kind::sequence, {}, {}, {}};
    std::string word;
    const auto flush = [&] {
      for (auto& piece : intent_words(word)) seq.children.push_back(Node{Node::Kind::word, std::move(piece), {}, {}});
      word.clear();
    };
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '|' || c == ')' || c == ']') {
        if (c != '|' && c != close) bad_template(text_, "unexpected '" + std::string(1, c) + "'");
        break;
      }
      if (c == '(' || c == '[') {
        flush();
        ++pos_;
        Node inner = choice_or_sequence(c == '(' ? ')' : ']');
        if (c == '[') {
          Node optional{Node::Kind::optional, {}, {}, {}};
          optional.children.push_back(std::move(inner));
          seq.children.push_back(std::move(optional));
        } else {
          seq.children.push_back(std::move(inner));
        }
      } else if (c == '{') {
        flush();
        seq.children.push_back(slot());
      } else {
        word += c;
        ++pos_;
      }
    }
    flush();
    return seq;
  }

  Node slot() {
    const auto close = text_.find('}', pos_);
    if (close == std::string_view::npos) bad_template(text_, "missing '}'");
    const std::string inside(text_.substr(pos_ + 1, close - pos_ - 1));
    pos_ = close + 1;
    const auto colon = inside.find(':');
    Node node{
        Node::Kind::slot, inside.substr(0, colon), colon == std::string::npos ? inside : inside.substr(colon + 1), {}};
    if (node.slot_type != "duration" && node.slot_type != "number" && node.slot_type != "time" &&
        node.slot_type != "label") {
      bad_template(text_, "unknown slot type '" + node.slot_type + "'");
    }
    return node;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

std::optional<SlotValue> slot_value(const std::string& type, std::span<const std::string> words) {
  if (type == "duration") {
    if (auto seconds = parse_spoken_duration(words)) return SlotValue(*seconds);
  } else if (type == "number") {
    if (auto number = parse_spoken_number(words)) return SlotValue(*number);
  } else if (type == "time") {
    if (auto minutes = parse_spoken_time(words)) {
      std::string text(5, '0');
      text[0] = static_cast<char>('0' + *minutes / 600);
      text[1] = static_cast<char>('0' + *minutes / 60 % 10);
      text[2] = ':';
      text[3] = static_cast<char>('0' + *minutes % 60 / 10);
      text[4] = static_cast<char>('0' + *minutes % 10);
      return SlotValue(text);
    }
  } else {
    std::string text;
    for (const auto& word : words) text += (text.empty() ? "" : " ") + word;
    return SlotValue(text);
  }
  return std::nullopt;
}

using Continue = std::function<bool(std::size_t)>;

class Matcher {
 public:
  Matcher(const std::vector<std::string>& words, SlotValues& values) : words_(words), values_(values) {}

  bool node(const Node& n, std::size_t pos, const Continue& next) {
    switch (n.kind) {
      case Node::Kind::word:
        return pos < words_.size() && words_[pos] == n.text && next(pos + 1);
      case Node::Kind::sequence:
        return sequence(n.children, 0, pos, next);
      case Node::Kind::choice:
        for (const auto& child : n.children) {
          if (node(child, pos, next)) return true;
        }
        return false;
      case Node::Kind::optional:
        return node(n.children.front(), pos, next) || next(pos);
      case Node::Kind::slot:
        return slot(n, pos, next);
    }
    return false;
  }

 private:
  bool sequence(const std::vector<Node>& children, std::size_t index, std::size_t pos, const Continue& next) {
    if (index == children.size()) return next(pos);
    return node(children[index], pos, [&](std::size_t after) { return sequence(children, index + 1, after, next); });
  }

  // Longest span first, so that "{duration}" takes "one hour and thirty minutes" rather than "one hour".
  bool slot(const Node& n, std::size_t pos, const Continue& next) {
    for (std::size_t end = words_.size(); end > pos; --end) {
      auto value = slot_value(n.slot_type, std::span<const std::string>(words_).subspan(pos, end - pos));
      if (!value) continue;
      values_[n.text] = std::move(*value);
      if (next(end)) return true;
      values_.erase(n.text);
    }
    return false;
  }

  const std::vector<std::string>& words_;
  SlotValues& values_;
};

}  // namespace

std::vector<std::string> intent_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    const bool between_digits = i > 0 && i + 1 < text.size() && is_digit(text[i - 1]) && is_digit(text[i + 1]);
    const bool inside_word =
        !word.empty() && i + 1 < text.size() && std::isalpha(static_cast<unsigned char>(text[i + 1])) != 0;
    if ((c >= 'a' && c <= 'z') || is_digit(c) || ((c == '.' || c == ':') && between_digits) ||
        (c == '\'' && inside_word)) {
      word += c;
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

IntentTemplate::IntentTemplate(std::string_view sentence)
    : sentence_(sentence), root_(TemplateParser(sentence).run()) {}

std::optional<SlotValues> IntentTemplate::match(const std::vector<std::string>& words) const {
  SlotValues values;
  Matcher matcher(words, values);
  if (matcher.node(root_, 0, [&](std::size_t end) { return end == words.size(); })) return values;
  return std::nullopt;
}

}  // namespace lv::tools
