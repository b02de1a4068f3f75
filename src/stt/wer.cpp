#include "stt/wer.h"

#include <algorithm>

namespace lv::stt {

std::vector<std::string> normalize_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  const auto flush = [&] {
    while (!word.empty() && word.back() == '\'') {
      word.pop_back();
    }
    if (!word.empty()) {
      words.push_back(std::move(word));
    }
    word.clear();
  };
  for (const char raw : text) {
    const auto c = static_cast<unsigned char>(raw);
    if (c >= 'A' && c <= 'Z') {
      word += static_cast<char>(c - 'A' + 'a');
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80 || (c == '\'' && !word.empty())) {
      word += raw;
    } else {
      flush();
    }
  }
  flush();
  return words;
}

double WordErrors::rate() const {
  if (reference_words == 0) {
    return static_cast<double>(errors());
  }
  return static_cast<double>(errors()) / static_cast<double>(reference_words);
}

WordErrors& WordErrors::operator+=(const WordErrors& other) {
  substitutions += other.substitutions;
  deletions += other.deletions;
  insertions += other.insertions;
  reference_words += other.reference_words;
  return *this;
}

WordErrors word_errors(std::string_view reference, std::string_view hypothesis) {
  const auto ref = normalize_words(reference);
  const auto hyp = normalize_words(hypothesis);
  // cost[i][j]: edits turning ref[0..i) into hyp[0..j); each cell remembers how it was reached.
  struct Cell {
    std::size_t cost = 0;
    std::size_t sub = 0;
    std::size_t del = 0;
    std::size_t ins = 0;
  };
  std::vector<Cell> previous(hyp.size() + 1);
  std::vector<Cell> current(hyp.size() + 1);
  for (std::size_t j = 0; j <= hyp.size(); ++j) {
    previous[j] = Cell{j, 0, 0, j};
  }
  for (std::size_t i = 1; i <= ref.size(); ++i) {
    current[0] = Cell{i, 0, i, 0};
    for (std::size_t j = 1; j <= hyp.size(); ++j) {
      Cell best = previous[j - 1];
      if (ref[i - 1] != hyp[j - 1]) {
        ++best.cost;
        ++best.sub;
      }
      Cell deletion = previous[j];
      ++deletion.cost;
      ++deletion.del;
      Cell insertion = current[j - 1];
      ++insertion.cost;
      ++insertion.ins;
      if (deletion.cost < best.cost) {
        best = deletion;
      }
      if (insertion.cost < best.cost) {
        best = insertion;
      }
      current[j] = best;
    }
    std::swap(previous, current);
  }
  const Cell& last = previous[hyp.size()];
  WordErrors errors;
  errors.substitutions = last.sub;
  errors.deletions = last.del;
  errors.insertions = last.ins;
  errors.reference_words = ref.size();
  return errors;
}

double word_error_rate(std::string_view reference, std::string_view hypothesis) {
  return word_errors(reference, hypothesis).rate();
}

}  // namespace lv::stt
