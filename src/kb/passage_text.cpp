#include "kb/passage_text.h"

#include <algorithm>
#include <unordered_set>

#include "kb/document_paths.h"
#include "kb/tokenizer.h"
#include "util/text.h"

namespace lv::kb {
namespace {

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && util::is_ascii_space(text[pos])) ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && !util::is_ascii_space(text[pos])) ++pos;
    if (pos > start) words.push_back(text.substr(start, pos - start));
  }
  return words;
}

std::string join(const std::vector<std::string_view>& words, std::size_t begin, std::size_t end) {
  std::string out;
  for (std::size_t i = begin; i < end; ++i) {
    if (!out.empty()) out += ' ';
    out += words[i];
  }
  return out;
}

}  // namespace

std::string make_snippet(std::string_view text, const std::vector<std::string>& query_terms, std::size_t words) {
  const auto all = split_words(text);
  if (all.size() <= words) return join(all, 0, all.size());
  const std::unordered_set<std::string> wanted(query_terms.begin(), query_terms.end());
  std::vector<int> hits(all.size(), 0);
  for (std::size_t i = 0; i < all.size(); ++i) {
    for (const auto& term : tokenize(all[i])) {
      if (wanted.count(term) != 0) hits[i] = 1;
    }
  }
  // Sliding window sum; the earliest best window wins so snippets of equal value start at the top.
  int current = 0;
  for (std::size_t i = 0; i < words; ++i) current += hits[i];
  int best = current;
  std::size_t best_start = 0;
  for (std::size_t start = 1; start + words <= all.size(); ++start) {
    current += hits[start + words - 1] - hits[start - 1];
    if (current > best) {
      best = current;
      best_start = start;
    }
  }
  std::string out = best_start > 0 ? "… " : "";
  out += join(all, best_start, best_start + words);
  if (best_start + words < all.size()) out += " …";
  return out;
}

std::string leading_sentences(std::string_view text, std::size_t max_words) {
  const auto words = split_words(text);
  std::string out;
  std::size_t count = 0;
  int sentences = 0;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string_view word = words[i];
    if (count >= max_words) break;
    if (!out.empty()) out += ' ';
    out += word;
    ++count;
    const char last = word.back();
    if (last == '.' || last == '!' || last == '?') {
      ++sentences;
      // Stop after three sentences, or earlier when the next sentence would not fit.
      if (sentences == 3) return out;
      std::size_t next_length = 0;
      for (std::size_t j = i + 1; j < words.size(); ++j) {
        ++next_length;
        const char end = words[j].back();
        if (end == '.' || end == '!' || end == '?') break;
      }
      if (count + next_length > max_words) return out;
    }
  }
  if (out.empty()) return out;
  const char last = out.back();
  if (last != '.' && last != '!' && last != '?') {
    while (!out.empty() && (out.back() == ',' || out.back() == ';' || out.back() == ':' || out.back() == '-')) {
      out.pop_back();
    }
    out += '.';
  }
  return out;
}

std::string lexical_text(const std::string& path, const std::string& heading, const std::string& text) {
  return document_title(path) + "\n" + heading + "\n" + text;
}

std::string embedding_text(const std::string& path, const std::string& heading, const std::string& text) {
  return document_title(path) + (heading.empty() ? "" : " — " + heading) + "\n" + text;
}

}  // namespace lv::kb
