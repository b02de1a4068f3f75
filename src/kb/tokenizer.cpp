#include "kb/tokenizer.h"

#include <algorithm>
#include <array>

#include "util/utf8.h"

namespace lv::kb {

using util::append_utf8;
using util::next_code_point;

namespace {

// Sorted, so lookups are a binary search.
constexpr std::array<std::string_view, 128> kStopWords = {
    "a",       "about",  "above",   "after",  "again",  "against",    "all",      "am",         "an",    "and",
    "any",     "are",    "as",      "at",     "be",     "because",    "been",     "before",     "being", "below",
    "between", "both",   "but",     "by",     "can",    "could",      "did",      "do",         "does",  "doing",
    "down",    "during", "each",    "few",    "for",    "from",       "further",  "had",        "has",   "have",
    "having",  "he",     "her",     "here",   "hers",   "herself",    "him",      "himself",    "his",   "how",
    "i",       "if",     "in",      "into",   "is",     "it",         "its",      "itself",     "just",  "me",
    "more",    "most",   "my",      "myself", "no",     "nor",        "not",      "now",        "of",    "off",
    "on",      "once",   "only",    "or",     "other",  "our",        "ours",     "ourselves",  "out",   "over",
    "own",     "please", "same",    "she",    "should", "so",         "some",     "such",       "tell",  "than",
    "that",    "the",    "their",   "theirs", "them",   "themselves", "then",     "there",      "these", "they",
    "this",    "those",  "through", "to",     "too",    "under",      "until",    "up",         "very",  "was",
    "we",      "were",   "what",    "when",   "where",  "which",      "while",    "who",        "whom",  "why",
    "will",    "with",   "would",   "you",    "your",   "yours",      "yourself", "yourselves",
};

bool is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'; }

bool ends_with(const std::string& word, std::string_view suffix) {
  return word.size() >= suffix.size() && word.compare(word.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool has_vowel(std::string_view stem) {
  return std::any_of(stem.begin(), stem.end(), [](char c) { return is_vowel(c); });
}

// "runn" -> "run", "stopp" -> "stop" (but "fall", "pass", "buzz" keep their pairs).
void undouble(std::string& stem) {
  const std::size_t n = stem.size();
  if (n >= 4 && stem[n - 1] == stem[n - 2] && !is_vowel(stem[n - 1]) && stem[n - 1] != 'l' && stem[n - 1] != 's' &&
      stem[n - 1] != 'z') {
    stem.pop_back();
  }
}

char32_t to_lower(char32_t c) {
  if (c >= U'A' && c <= U'Z') return c + 32;
  if ((c >= 0xC0 && c <= 0xDE && c != 0xD7)) return c + 32;                  // Latin-1
  if (c >= 0x100 && c <= 0x17F && (c % 2) == 0 && c != 0x130) return c + 1;  // Latin Extended-A pairs
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;                 // Greek
  if (c >= 0x410 && c <= 0x42F) return c + 32;                               // Cyrillic
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  return c;
}

// Letters and digits of any script count as word characters; punctuation blocks and symbols do not.
bool is_word_char(char32_t c) {
  if (c < 0x80) return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') || (c >= U'0' && c <= U'9');
  if (c <= 0xBF || c == 0xD7 || c == 0xF7) return false;  // Latin-1 punctuation and signs
  if (c >= 0x2000 && c <= 0x2BFF) return false;           // general punctuation, arrows, math, boxes
  if (c >= 0x3000 && c <= 0x303F) return false;           // CJK punctuation
  if (c >= 0xFE00 && c <= 0xFE6F) return false;           // variation selectors, small forms
  if (c == 0xFEFF || c == 0xFFFD || (c >= 0xFF00 && c <= 0xFF0F)) return false;
  if (c >= 0x1F000) return false;  // emoji and pictographs
  return true;
}

}  // namespace

bool is_stop_word(std::string_view word) { return std::binary_search(kStopWords.begin(), kStopWords.end(), word); }

std::string stem_word(std::string word) {
  if (word.size() <= 3) return word;
  if (std::any_of(word.begin(), word.end(), [](char c) { return c < 'a' || c > 'z'; })) return word;
  if (ends_with(word, "ies") && word.size() > 4) {
    word.resize(word.size() - 3);
    word += 'y';
  } else if (ends_with(word, "sses") || ends_with(word, "xes") || ends_with(word, "shes") || ends_with(word, "zzes")) {
    word.resize(word.size() - 2);
  } else if (ends_with(word, "s") && !ends_with(word, "ss") && !ends_with(word, "us") && !ends_with(word, "is") &&
             word.size() > 3) {
    word.pop_back();
  }
  if (ends_with(word, "ing") && word.size() >= 6 && has_vowel(std::string_view(word).substr(0, word.size() - 3))) {
    word.resize(word.size() - 3);
    undouble(word);
  } else if (ends_with(word, "ied") && word.size() > 4) {
    word.resize(word.size() - 3);
    word += 'y';
  } else if (ends_with(word, "ed") && word.size() >= 5 &&
             has_vowel(std::string_view(word).substr(0, word.size() - 2))) {
    word.resize(word.size() - 2);
    undouble(word);
  }
  if (word.size() >= 5 && word.back() == 'e') word.pop_back();
  return word;
}

std::vector<std::string> tokenize(std::string_view text) {
  std::vector<std::string> terms;
  std::string word;
  bool ascii_only = true;
  const auto flush = [&] {
    if (word.empty()) return;
    if (ascii_only) {
      if (!(word.size() == 1 && word[0] >= 'a' && word[0] <= 'z') && !is_stop_word(word)) {
        terms.push_back(stem_word(std::move(word)));
      }
    } else {
      terms.push_back(std::move(word));
    }
    word.clear();
    ascii_only = true;
  };
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char32_t c = next_code_point(text, pos);
    if (is_word_char(c)) {
      const char32_t lowered = to_lower(c);
      if (lowered >= 0x80) ascii_only = false;
      append_utf8(word, lowered);
      continue;
    }
    // An apostrophe inside a word joins it ("don't" -> "dont"); "'s" at the end is dropped.
    const bool apostrophe = c == U'\'' || c == 0x2019;
    if (apostrophe && !word.empty() && pos < text.size()) {
      std::size_t peek = pos;
      const char32_t next = next_code_point(text, peek);
      if (is_word_char(next)) {
        std::size_t after = peek;
        const bool possessive =
            (next == U's' || next == U'S') && (after >= text.size() || !is_word_char(next_code_point(text, after)));
        if (possessive) {
          pos = peek;
          flush();
        }
        continue;
      }
    }
    flush();
  }
  flush();
  return terms;
}

}  // namespace lv::kb
