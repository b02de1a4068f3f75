// Splits text arriving piece by piece (LLM tokens) into sentences as soon as each one is complete.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lv::tts {

struct SentenceSplitterOptions {
  // Emit the first clause of a stream early (at ", ; :" once it has enough words), so speech can start
  // before the whole first sentence has arrived.
  bool early_first_clause = true;
  std::size_t first_clause_min_words = 5;
  // A run of text without any boundary is cut at the last space before this length.
  std::size_t max_sentence_chars = 400;
};

// Stateful splitter for one text stream. Handles abbreviations ("Dr.", "e.g.", "U.S."), decimals ("3.5"),
// numbered list markers ("1. "), ellipses, closing quotes and brackets, line breaks (list items and
// paragraphs end at a newline) and CJK full stops. Sentences are returned trimmed; pieces without any
// letter or digit are dropped. Not thread-safe.
class SentenceSplitter {
 public:
  explicit SentenceSplitter(SentenceSplitterOptions options = {});

  // Adds the next piece of text; returns the sentences completed by it (possibly none).
  std::vector<std::string> push(std::string_view piece);
  // Ends the stream: returns whatever text is left as the last sentence(s), and resets for a new stream.
  std::vector<std::string> flush();
  // Drops buffered text and starts a new stream.
  void reset();

  // Text received but not yet returned.
  const std::string& pending() const { return buffer_; }

 private:
  // Finds the end of the first complete sentence in buffer_; npos when none is certain yet.
  std::size_t find_boundary(bool end_of_stream) const;
  void take(std::size_t end, std::vector<std::string>& out);

  SentenceSplitterOptions options_;
  std::string buffer_;
  bool emitted_any_ = false;
};

// Splits a whole text into sentences (no early clause).
std::vector<std::string> split_sentences(std::string_view text);

}  // namespace lv::tts
