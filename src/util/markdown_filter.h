// Removes Markdown from LLM output (streamed or whole) so that no markup is ever read out loud.
#pragma once

#include <string>
#include <string_view>

namespace lv::util {

struct MarkdownOptions {
  // Code blocks are never spoken; with this set they are replaced by the line "Code omitted."
  bool announce_code_blocks = true;
};

// Streaming Markdown-to-speech-text filter. Emphasis markers, inline code backticks, headings, block
// quotes, bullets, tables and rules are dropped (their text kept); links and images become their text;
// bare URLs become their domain ("docs.python.org"); fenced code blocks are skipped. Text is released as
// soon as it can no longer change meaning: whole words, never half of a link or a line-start marker.
// Not thread-safe.
class MarkdownFilter {
 public:
  explicit MarkdownFilter(MarkdownOptions options = {});

  // Adds the next piece; returns the clean text that is final so far (possibly empty).
  std::string push(std::string_view piece);
  // Ends the stream: returns the rest and resets for a new stream.
  std::string finish();
  void reset();

 private:
  std::string process_line(std::string_view line);
  std::string release_partial();

  MarkdownOptions options_;
  std::string pending_;     // raw text of the current line not yet released
  bool line_start_ = true;  // pending_ begins at the start of a line (block markers still possible)
  bool in_fence_ = false;
  std::string fence_marker_;
};

// Strips Markdown from a whole text.
std::string strip_markdown(std::string_view text, MarkdownOptions options = {});

}  // namespace lv::util
