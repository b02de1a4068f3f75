#include "util/markdown_filter.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "util/text.h"

namespace lv::util {

namespace {

using namespace std::string_view_literals;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool starts_fence(std::string_view trimmed) { return trimmed.starts_with("```"sv) || trimmed.starts_with("~~~"sv); }

// "---", "***", "___", "- - -": a thematic break.
bool is_rule(std::string_view trimmed) {
  if (trimmed.empty()) {
    return false;
  }
  const char mark = trimmed.front();
  if (mark != '-' && mark != '*' && mark != '_') {
    return false;
  }
  std::size_t count = 0;
  for (const char c : trimmed) {
    if (c == mark) {
      ++count;
    } else if (!is_space(c)) {
      return false;
    }
  }
  return count >= 3;
}

// Length of the block markers at the start of a line: indentation, "> " quotes, "## " headings,
// "- " / "* " / "+ " bullets and "[ ] " task boxes. Numbered markers ("1. ") are kept: they are spoken.
std::size_t block_prefix_length(std::string_view line) {
  std::size_t i = 0;
  for (;;) {
    while (i < line.size() && is_space(line[i])) {
      ++i;
    }
    if (i < line.size() && line[i] == '>') {
      ++i;
      continue;
    }
    break;
  }
  std::size_t hashes = 0;
  while (i + hashes < line.size() && line[i + hashes] == '#') {
    ++hashes;
  }
  if (hashes >= 1 && hashes <= 6 && (i + hashes == line.size() || is_space(line[i + hashes]))) {
    i += hashes;
  } else if (i + 1 < line.size() && (line[i] == '-' || line[i] == '*' || line[i] == '+') && is_space(line[i + 1])) {
    i += 2;
    while (i < line.size() && is_space(line[i])) {
      ++i;
    }
    const std::string_view rest = line.substr(i);
    if (rest.starts_with("[ ] "sv) || rest.starts_with("[x] "sv) || rest.starts_with("[X] "sv)) {
      i += 4;
    }
  }
  while (i < line.size() && is_space(line[i])) {
    ++i;
  }
  return i;
}

// The domain of a URL ("https://www.example.com:8080/a?b" -> "example.com").
std::string url_domain(std::string_view url) {
  const std::size_t scheme = url.find("://"sv);
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  const std::size_t end = rest.find_first_of("/?#:"sv);
  rest = rest.substr(0, end);
  if (const std::size_t at = rest.find('@'); at != std::string_view::npos) {
    rest = rest.substr(at + 1);
  }
  if (rest.starts_with("www."sv)) {
    rest.remove_prefix(4);
  }
  return rest.empty() ? std::string("a link") : std::string(rest);
}

bool url_starts_at(std::string_view text, std::size_t pos) {
  const std::string_view rest = text.substr(pos);
  return rest.starts_with("http://"sv) || rest.starts_with("https://"sv) || rest.starts_with("www."sv);
}

// Position of the ']' closing the '[' at `open`, honouring nesting; npos when not in `text`.
std::size_t matching_bracket(std::string_view text, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < text.size(); ++i) {
    if (text[i] == '[') {
      ++depth;
    } else if (text[i] == ']' && --depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

std::string inline_text(std::string_view text);

// Handles "[text](url)", "![alt](url)" and "[text]" at `pos`; appends the text and returns the end.
std::size_t take_link(std::string_view text, std::size_t pos, std::string& out) {
  const std::size_t open = text[pos] == '!' ? pos + 1 : pos;
  const std::size_t close = matching_bracket(text, open);
  if (close == std::string_view::npos) {
    return pos + 1 + (open - pos);  // a lone '[' is dropped
  }
  const std::string_view label = text.substr(open + 1, close - open - 1);
  std::size_t end = close + 1;
  if (end < text.size() && text[end] == '(') {
    const std::size_t paren = text.find(')', end);
    end = paren == std::string_view::npos ? text.size() : paren + 1;
  }
  if (label.starts_with("^"sv)) {
    return end;  // footnote reference
  }
  out += inline_text(label);
  return end;
}

std::string inline_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const bool word_start = i == 0 || !is_alnum(text[i - 1]);
    if (c == '\\' && i + 1 < text.size()) {
      out += text[i + 1];
      i += 2;
    } else if (c == '[' || (c == '!' && i + 1 < text.size() && text[i + 1] == '[')) {
      i = take_link(text, i, out);
    } else if (c == '<') {
      const std::size_t close = text.find('>', i);
      const bool tag = close != std::string_view::npos && i + 1 < text.size() &&
                       (std::isalpha(static_cast<unsigned char>(text[i + 1])) != 0 || text[i + 1] == '/');
      if (tag && url_starts_at(text, i + 1)) {
        out += url_domain(text.substr(i + 1, close - i - 1));
        i = close + 1;
      } else if (tag) {
        i = close + 1;  // HTML tag such as <br> or <b>
      } else {
        out += c;
        ++i;
      }
    } else if (word_start && url_starts_at(text, i)) {
      std::size_t end = i;
      while (end < text.size() && !is_space(text[end]) &&
             std::string_view(")]>\"'").find(text[end]) == std::string_view::npos) {
        ++end;
      }
      while (end > i && std::string_view(".,;:!?").find(text[end - 1]) != std::string_view::npos) {
        --end;  // sentence punctuation after a URL belongs to the sentence
      }
      out += url_domain(text.substr(i, end - i));
      i = end;
    } else if (c == '*' || c == '`' || c == '~') {
      ++i;
    } else if (c == '_') {
      // snake_case reads as two words; emphasis underscores just disappear.
      const bool inside_word = i > 0 && i + 1 < text.size() && is_alnum(text[i - 1]) && is_alnum(text[i + 1]);
      if (inside_word) {
        out += ' ';
      }
      ++i;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

// A table row "| a | b |" becomes "a, b"; the separator row "|---|:--:|" disappears.
std::string table_row(std::string_view trimmed) {
  if (trimmed.find_first_not_of("|-: \t"sv) == std::string_view::npos) {
    return {};
  }
  std::string out;
  std::size_t start = 0;
  while (start <= trimmed.size()) {
    std::size_t bar = trimmed.find('|', start);
    if (bar == std::string_view::npos) {
      bar = trimmed.size();
    }
    const std::string_view cell = trim(trimmed.substr(start, bar - start));
    if (!cell.empty()) {
      out += out.empty() ? "" : ", ";
      out += inline_text(cell);
    }
    start = bar + 1;
  }
  return out;
}

// Where a partial line can be cut: before the last whitespace that precedes any unfinished construct.
std::size_t safe_cut(std::string_view text) {
  std::size_t limit = text.size();
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '[') {
      const std::size_t close = matching_bracket(text, i);
      if (close == std::string_view::npos || close + 1 >= text.size()) {
        limit = i;
        break;
      }
      if (text[close + 1] == '(') {
        const std::size_t paren = text.find(')', close);
        if (paren == std::string_view::npos) {
          limit = i;
          break;
        }
        i = paren;
      } else {
        i = close;
      }
    } else if (c == '<' && text.find('>', i) == std::string_view::npos) {
      limit = i;
      break;
    }
  }
  if (limit > 0 && text[limit - 1] == '!') {
    --limit;
  }
  std::size_t cut = limit;
  while (cut > 0 && !is_space(text[cut - 1])) {
    --cut;
  }
  if (cut == text.size() && text.back() == '\\') {
    --cut;
  }
  return cut;
}

}  // namespace

MarkdownFilter::MarkdownFilter(MarkdownOptions options) : options_(options) {}

std::string MarkdownFilter::process_line(std::string_view line) {
  const std::string_view trimmed = trim(line);
  if (in_fence_) {
    if (trimmed.starts_with(fence_marker_)) {
      in_fence_ = false;
    }
    return {};
  }
  if (!line_start_) {
    return inline_text(line);
  }
  if (starts_fence(trimmed)) {
    in_fence_ = true;
    fence_marker_ = std::string(trimmed.substr(0, 3));
    return options_.announce_code_blocks ? "Code omitted." : "";
  }
  if (is_rule(trimmed)) {
    return {};
  }
  if (trimmed.starts_with('|')) {
    return table_row(trimmed);
  }
  return inline_text(line.substr(block_prefix_length(line)));
}

std::string MarkdownFilter::release_partial() {
  if (in_fence_) {
    return {};  // code is dropped line by line; the closing fence needs a whole line
  }
  if (line_start_) {
    const std::string_view rest = trim_start(pending_);
    const std::size_t token_end = rest.find_first_of(" \t"sv);
    if (token_end == std::string_view::npos) {
      return {};  // the first token may still become a marker ("#", "-", "```")
    }
    const std::string_view token = rest.substr(0, token_end);
    if (starts_fence(token) || token.starts_with('|') || is_rule(token) || token == ">"sv || is_rule(rest)) {
      return {};  // fences, tables, rules and quotes are decided by the whole line (or the next token)
    }
    // Bullets and headings may be followed by a task box or more quote markers: wait for one more token.
    const std::size_t prefix = block_prefix_length(pending_);
    if (prefix >= pending_.size()) {
      return {};
    }
    pending_.erase(0, prefix);
    line_start_ = false;
  }
  const std::size_t cut = safe_cut(pending_);
  if (cut == 0) {
    return {};
  }
  std::string out = inline_text(std::string_view(pending_).substr(0, cut));
  pending_.erase(0, cut);
  return out;
}

std::string MarkdownFilter::push(std::string_view piece) {
  pending_.append(piece);
  std::string out;
  for (;;) {
    const std::size_t newline = pending_.find('\n');
    if (newline == std::string::npos) {
      break;
    }
    const bool was_fenced = in_fence_;
    std::string line = process_line(std::string_view(pending_).substr(0, newline));
    pending_.erase(0, newline + 1);
    line_start_ = true;
    if (!was_fenced || !line.empty()) {
      out += line;
      out += '\n';
    }
  }
  out += release_partial();
  return out;
}

std::string MarkdownFilter::finish() {
  std::string out = pending_.empty() ? std::string() : process_line(pending_);
  reset();
  return out;
}

void MarkdownFilter::reset() {
  pending_.clear();
  line_start_ = true;
  in_fence_ = false;
  fence_marker_.clear();
}

std::string strip_markdown(std::string_view text, MarkdownOptions options) {
  MarkdownFilter filter(options);
  std::string out = filter.push(text);
  out += filter.finish();
  return out;
}

}  // namespace lv::util
