#include "kb/chunker.h"

#include <algorithm>

#include "util/error.h"

namespace lv::kb {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

// A sentence-sized piece of a section with its byte range in the document.
struct Unit {
  std::size_t begin = 0;
  std::size_t end = 0;
  int words = 0;
  bool ends_paragraph = false;
};

struct Section {
  std::string heading;
  std::vector<Unit> units;
};

// "## Setup" -> level 2, title "Setup"; 0 when the line is not a heading.
int heading_level(std::string_view line, std::string_view& title) {
  std::size_t hashes = 0;
  while (hashes < line.size() && line[hashes] == '#') ++hashes;
  if (hashes == 0 || hashes > 6 || hashes >= line.size() || (line[hashes] != ' ' && line[hashes] != '\t')) return 0;
  title = line.substr(hashes);
  while (!title.empty() && is_space(title.front())) title.remove_prefix(1);
  while (!title.empty() && (is_space(title.back()) || title.back() == '#')) title.remove_suffix(1);
  return title.empty() ? 0 : static_cast<int>(hashes);
}

// Splits the paragraph text[begin, end) into sentences, and sentences longer than max_words into runs of words.
void add_paragraph(std::string_view text, std::size_t begin, std::size_t end, int max_words, std::vector<Unit>& out) {
  const std::size_t first = out.size();
  std::size_t start = begin;
  std::size_t pos = begin;
  const auto emit = [&](std::size_t stop) {
    while (start < stop && is_space(text[start])) ++start;
    std::size_t trimmed = stop;
    while (trimmed > start && is_space(text[trimmed - 1])) --trimmed;
    if (trimmed <= start) return;
    // A sentence without punctuation can be thousands of words (lists, tables, PDFs): cut it at words.
    std::size_t piece_start = start;
    int words = 0;
    bool in_word = false;
    for (std::size_t i = start; i < trimmed; ++i) {
      if (is_space(text[i])) {
        if (in_word && words == max_words) {
          out.push_back({piece_start, i, words, false});
          piece_start = i;
          while (piece_start < trimmed && is_space(text[piece_start])) ++piece_start;
          words = 0;
        }
        in_word = false;
      } else if (!in_word) {
        in_word = true;
        ++words;
      }
    }
    if (words > 0) out.push_back({piece_start, trimmed, words, false});
    start = stop;
  };
  while (pos < end) {
    const char c = text[pos];
    ++pos;
    if ((c == '.' || c == '!' || c == '?') && (pos == end || is_space(text[pos]))) emit(pos);
  }
  emit(end);
  if (out.size() > first) out.back().ends_paragraph = true;
}

std::vector<Section> split_sections(std::string_view text, int max_words) {
  std::vector<Section> sections(1);
  std::vector<std::string> trail;  // titles by level (index = level - 1)
  std::size_t paragraph_begin = std::string_view::npos;
  std::size_t paragraph_end = 0;
  const auto flush_paragraph = [&] {
    if (paragraph_begin != std::string_view::npos) {
      add_paragraph(text, paragraph_begin, paragraph_end, max_words, sections.back().units);
      paragraph_begin = std::string_view::npos;
    }
  };
  std::size_t pos = 0;
  bool in_fence = false;  // ``` blocks may contain '#' lines that are not headings
  while (pos < text.size()) {
    std::size_t line_end = text.find('\n', pos);
    if (line_end == std::string_view::npos) line_end = text.size();
    std::string_view line = text.substr(pos, line_end - pos);
    std::string_view stripped = line;
    while (!stripped.empty() && is_space(stripped.front())) stripped.remove_prefix(1);
    if (stripped.substr(0, 3) == "```") in_fence = !in_fence;
    std::string_view title;
    const int level = in_fence ? 0 : heading_level(line, title);
    if (level > 0) {
      flush_paragraph();
      trail.resize(static_cast<std::size_t>(level));
      trail.back() = std::string(title);
      std::string heading;
      for (const auto& part : trail) {
        if (part.empty()) continue;
        if (!heading.empty()) heading += " > ";
        heading += part;
      }
      if (sections.back().units.empty()) {
        sections.back().heading = heading;
      } else {
        sections.push_back({heading, {}});
      }
    } else if (stripped.empty()) {
      flush_paragraph();
    } else {
      if (paragraph_begin == std::string_view::npos) paragraph_begin = pos;
      paragraph_end = line_end;
    }
    pos = line_end + 1;
  }
  flush_paragraph();
  return sections;
}

}  // namespace

void check_chunk_options(const ChunkOptions& options) {
  if (options.target_words < 20 || options.max_words < options.target_words) {
    throw Error("chunk sizes " + std::to_string(options.target_words) + "/" + std::to_string(options.max_words) +
                    " words make no sense",
                "use kb.chunk_words of 20 or more (the maximum is a third more)");
  }
  if (options.overlap_words < 0 || options.overlap_words >= options.target_words) {
    throw Error("a chunk overlap of " + std::to_string(options.overlap_words) + " words is out of range",
                "use kb.chunk_overlap_words from 0 to less than kb.chunk_words");
  }
}

std::vector<TextChunk> chunk_text(std::string_view text, const ChunkOptions& options) {
  check_chunk_options(options);
  std::vector<TextChunk> chunks;
  for (const Section& section : split_sections(text, options.max_words)) {
    const auto& units = section.units;
    std::size_t first = 0;
    while (first < units.size()) {
      // Grow [first, last) until the target is reached at a paragraph end, or the next unit would overflow.
      std::size_t last = first;
      int words = 0;
      while (last < units.size()) {
        if (last > first && words + units[last].words > options.max_words) break;
        words += units[last].words;
        ++last;
        if (words >= options.target_words && units[last - 1].ends_paragraph) break;
      }
      TextChunk chunk;
      chunk.heading = section.heading;
      chunk.ordinal = static_cast<int>(chunks.size());
      chunk.char_begin = units[first].begin;
      chunk.char_end = units[last - 1].end;
      chunk.text = std::string(text.substr(chunk.char_begin, chunk.char_end - chunk.char_begin));
      chunks.push_back(std::move(chunk));
      if (last >= units.size()) break;
      // The next chunk repeats the previous one's last sentences (up to overlap_words), so an answer that
      // straddles the cut is whole in at least one chunk.
      std::size_t next = last;
      int carried = 0;
      while (next > first + 1 && carried + units[next - 1].words <= options.overlap_words) {
        carried += units[next - 1].words;
        --next;
      }
      first = next;
    }
  }
  return chunks;
}

}  // namespace lv::kb
