// Word error rate: how far a transcript is from a reference (for accuracy tests and benchmarks).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lv::stt {

// Lower-cases, turns punctuation (except apostrophes inside words) into spaces, and splits on whitespace.
std::vector<std::string> normalize_words(std::string_view text);

struct WordErrors {
  std::size_t substitutions = 0;
  std::size_t deletions = 0;
  std::size_t insertions = 0;
  std::size_t reference_words = 0;
  std::size_t errors() const { return substitutions + deletions + insertions; }
  // errors / reference words; 0 for an empty reference matched exactly, errors when the reference is empty.
  double rate() const;
  WordErrors& operator+=(const WordErrors& other);
};

// Minimum edit distance between the normalized word sequences (Levenshtein over words).
WordErrors word_errors(std::string_view reference, std::string_view hypothesis);
double word_error_rate(std::string_view reference, std::string_view hypothesis);

}  // namespace lv::stt
