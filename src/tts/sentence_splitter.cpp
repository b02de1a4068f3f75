#include "tts/sentence_splitter.h"

#include "util/text.h"
#include "util/utf8.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace lv::tts {

namespace {

using namespace std::string_view_literals;

constexpr std::size_t npos = std::string::npos;

// Abbreviations that practically never end a sentence: a name or a number follows.
constexpr std::array kNeverFinal{
    "mr"sv,  "mrs"sv, "ms"sv,  "dr"sv,     "prof"sv, "sr"sv,  "jr"sv,  "st"sv,   "mt"sv,  "vs"sv,
    "e.g"sv, "i.e"sv, "cf"sv,  "approx"sv, "fig"sv,  "gen"sv, "gov"sv, "sen"sv,  "rep"sv, "capt"sv,
    "lt"sv,  "col"sv, "sgt"sv, "rev"sv,    "hon"sv,  "jan"sv, "feb"sv, "mar"sv,  "apr"sv, "jun"sv,
    "jul"sv, "aug"sv, "sep"sv, "sept"sv,   "oct"sv,  "nov"sv, "dec"sv, "dept"sv, "est"sv, "ave"sv,
};
// Abbreviations that often end a sentence: decided by the next word's capital letter.
constexpr std::array kAmbiguous{"etc"sv, "inc"sv, "ltd"sv, "co"sv, "corp"sv, "no"sv, "al"sv};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || is_upper(c); }

bool starts_with_at(std::string_view text, std::size_t pos, std::string_view prefix) {
  return text.substr(pos, prefix.size()) == prefix;
}

// Length of a sentence-final mark at `pos`: . ! ? … and the CJK full stops; 0 when none.
std::size_t terminator_length(std::string_view text, std::size_t pos) {
  const char c = text[pos];
  if (c == '.' || c == '!' || c == '?') {
    return 1;
  }
  for (const auto mark : {"\u2026"sv, "\u3002"sv, "\uFF01"sv, "\uFF1F"sv}) {
    if (starts_with_at(text, pos, mark)) {
      return mark.size();
    }
  }
  return 0;
}

bool is_cjk_terminator(std::string_view text, std::size_t pos) {
  return starts_with_at(text, pos, "\u3002"sv) || starts_with_at(text, pos, "\uFF01"sv) ||
         starts_with_at(text, pos, "\uFF1F"sv);
}

// Length of a closing quote or bracket at `pos`; 0 when none.
std::size_t closer_length(std::string_view text, std::size_t pos) {
  const char c = text[pos];
  if (c == '"' || c == '\'' || c == ')' || c == ']' || c == '*' || c == '_') {
    return 1;
  }
  for (const auto mark : {"\u201D"sv, "\u2019"sv, "\u00BB"sv, "\u300D"sv}) {
    if (starts_with_at(text, pos, mark)) {
      return mark.size();
    }
  }
  return 0;
}

bool has_speakable(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return is_alpha(c) || is_digit(c) || static_cast<unsigned char>(c) >= 0x80; });
}

std::size_t count_words(std::string_view text) {
  std::size_t words = 0;
  bool in_word = false;
  for (const char c : text) {
    if (util::is_ascii_space(c)) {
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      ++words;
    }
  }
  return words;
}

enum class PeriodKind { final, never_final, ambiguous };

// Classifies a single '.' at `dot` (followed by whitespace) by the word it ends.
PeriodKind classify_period(std::string_view text, std::size_t dot) {
  std::size_t begin = dot;
  while (begin > 0 && !util::is_ascii_space(text[begin - 1])) {
    --begin;
  }
  std::string_view word = text.substr(begin, dot - begin);
  while (!word.empty() && (word.front() == '"' || word.front() == '\'' || word.front() == '(' || word.front() == '[' ||
                           word.front() == '*' || word.front() == '_')) {
    word.remove_prefix(1);
  }
  if (word.empty()) {
    return PeriodKind::final;
  }
  if (std::all_of(word.begin(), word.end(), is_digit)) {
    // "1. Buy milk": a list marker when it is the first token of the sentence.
    return util::trim(text.substr(0, begin)).empty() ? PeriodKind::never_final : PeriodKind::final;
  }
  if (word.size() == 1 && is_alpha(word.front())) {
    return PeriodKind::never_final;  // an initial: "J. R. R. Tolkien"
  }
  const std::string lower = util::ascii_lower(word);
  if (std::find(kNeverFinal.begin(), kNeverFinal.end(), lower) != kNeverFinal.end()) {
    return PeriodKind::never_final;
  }
  if (std::find(kAmbiguous.begin(), kAmbiguous.end(), lower) != kAmbiguous.end() ||
      lower.find('.') != std::string::npos) {
    return PeriodKind::ambiguous;  // "etc.", "U.S.", "p.m."
  }
  return PeriodKind::final;
}

// For an ambiguous boundary before `pos`: true/false once the next word has started, npos-like "unknown"
// (returned as std::nullopt-equivalent through `known`) while only whitespace has arrived.
bool next_word_starts_sentence(std::string_view text, std::size_t pos, bool& known) {
  while (pos < text.size() && util::is_ascii_space(text[pos])) {
    ++pos;
  }
  if (pos >= text.size()) {
    known = false;
    return false;
  }
  known = true;
  const char c = text[pos];
  return is_upper(c) || c == '"' || c == '\'' || c == '(' || c == '*' || c == '#' || c == '-' ||
         starts_with_at(text, pos, "\u201C"sv) || static_cast<unsigned char>(c) >= 0x80;
}

}  // namespace

SentenceSplitter::SentenceSplitter(SentenceSplitterOptions options) : options_(options) {
  options_.max_sentence_chars = std::max<std::size_t>(options_.max_sentence_chars, 16);
}

std::size_t SentenceSplitter::find_boundary(bool end_of_stream) const {
  const std::string_view text = buffer_;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n') {
      if (has_speakable(text.substr(0, i))) {
        return i;
      }
      ++i;
      continue;
    }
    if (!emitted_any_ && options_.early_first_clause && (c == ',' || c == ';' || c == ':') && i + 1 < text.size() &&
        util::is_ascii_space(text[i + 1]) && count_words(text.substr(0, i)) >= options_.first_clause_min_words) {
      return i + 1;
    }
    const std::size_t term = terminator_length(text, i);
    if (term == 0) {
      ++i;
      continue;
    }
    if (is_cjk_terminator(text, i)) {
      return i + term;  // CJK text has no space after a full stop
    }
    // The run of marks ("?!", "...", "…"), then closing quotes and brackets.
    std::size_t j = i;
    std::size_t dots = 0;
    bool exclaims = false;
    bool ellipsis = false;
    while (j < text.size()) {
      const std::size_t len = terminator_length(text, j);
      if (len == 0 || is_cjk_terminator(text, j)) {
        break;
      }
      dots += text[j] == '.' ? 1 : 0;
      exclaims = exclaims || text[j] == '!' || text[j] == '?';
      ellipsis = ellipsis || len > 1;
      j += len;
    }
    ellipsis = ellipsis || dots >= 2;
    while (j < text.size()) {
      const std::size_t len = closer_length(text, j);
      if (len == 0) {
        break;
      }
      j += len;
    }
    if (j >= text.size()) {
      return end_of_stream ? j : npos;  // "3." may become "3.5": wait for the next piece
    }
    if (!util::is_ascii_space(text[j])) {
      i = j;  // "3.5", "e.g", "example.com"
      continue;
    }
    PeriodKind kind = PeriodKind::final;
    if (exclaims) {
      kind = PeriodKind::final;
    } else if (ellipsis) {
      kind = PeriodKind::ambiguous;
    } else {
      kind = classify_period(text, i);
    }
    if (kind == PeriodKind::final) {
      return j;
    }
    if (kind == PeriodKind::ambiguous) {
      bool known = false;
      const bool starts = next_word_starts_sentence(text, j, known);
      if (!known) {
        return end_of_stream ? j : npos;
      }
      if (starts) {
        return j;
      }
    }
    i = j;
  }
  return npos;
}

void SentenceSplitter::take(std::size_t end, std::vector<std::string>& out) {
  const std::string_view sentence = util::trim(std::string_view(buffer_).substr(0, end));
  if (has_speakable(sentence)) {
    out.emplace_back(sentence);
    emitted_any_ = true;
  }
  buffer_.erase(0, end);
}

std::vector<std::string> SentenceSplitter::push(std::string_view piece) {
  buffer_.append(piece);
  std::vector<std::string> out;
  for (;;) {
    const std::size_t end = find_boundary(false);
    if (end != npos) {
      take(end, out);
      continue;
    }
    if (buffer_.size() <= options_.max_sentence_chars) {
      break;
    }
    // No boundary within the limit: cut at the last space before it (or hard at the limit).
    std::size_t cut = buffer_.rfind(' ', options_.max_sentence_chars);
    if (cut == std::string::npos || cut == 0) {
      cut = options_.max_sentence_chars;
      cut = util::utf8_boundary_before(buffer_, cut);  // never split a UTF-8 sequence
    }
    take(cut, out);
  }
  return out;
}

std::vector<std::string> SentenceSplitter::flush() {
  std::vector<std::string> out;
  while (!buffer_.empty()) {
    const std::size_t end = find_boundary(true);
    take(end == npos ? buffer_.size() : end, out);
  }
  reset();
  return out;
}

void SentenceSplitter::reset() {
  buffer_.clear();
  emitted_any_ = false;
}

std::vector<std::string> split_sentences(std::string_view text) {
  SentenceSplitterOptions options;
  options.early_first_clause = false;
  SentenceSplitter splitter(options);
  std::vector<std::string> out = splitter.push(text);
  for (auto& sentence : splitter.flush()) {
    out.push_back(std::move(sentence));
  }
  return out;
}

}  // namespace lv::tts
