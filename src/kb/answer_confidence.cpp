#include "kb/answer_confidence.h"

#include <algorithm>
#include <array>
#include <unordered_set>

#include "kb/tokenizer.h"

namespace lv::kb {

namespace {

// Words that, right after "how", ask for a quantity, a duration or a manner rather than name the topic.
constexpr std::array<std::string_view, 14> kMeasureWords = {
    "big",  "early", "far",  "fast",  "frequently", "high",    "late",
    "long", "many",  "much", "often", "old",        "quickly", "soon",
};

bool is_ascii_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// The question's words lower-cased (ASCII only is enough to spot "how" and the measure words).
std::vector<std::string> plain_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && is_ascii_alnum(text[i])) {
      const char c = text[i];
      word += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  return words;
}

}  // namespace

std::vector<std::string> answer_terms(std::string_view question) {
  std::vector<std::string> terms = tokenize(question);
  const std::vector<std::string> words = plain_words(question);
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    if (words[i] != "how") continue;
    if (std::find(kMeasureWords.begin(), kMeasureWords.end(), words[i + 1]) == kMeasureWords.end()) continue;
    const auto measure = std::find(terms.begin(), terms.end(), stem_word(words[i + 1]));
    if (measure != terms.end()) terms.erase(measure);
  }
  return terms;
}

double term_coverage(const std::vector<std::string>& terms, const std::vector<double>& weights,
                     const std::vector<std::string>& passage_terms) {
  const std::unordered_set<std::string> held(passage_terms.begin(), passage_terms.end());
  std::unordered_set<std::string> counted;
  double total = 0;
  double covered = 0;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (!counted.insert(terms[i]).second) continue;
    const double weight = i < weights.size() ? std::max(0.0, weights[i]) : 1.0;
    total += weight;
    if (held.count(terms[i]) != 0) covered += weight;
  }
  return total > 0 ? covered / total : 0.0;
}

bool answers_alone(const AnswerEvidence& evidence, const AnswerBar& bar) {
  return evidence.score >= bar.min_score && evidence.coverage >= bar.min_coverage;
}

}  // namespace lv::kb
