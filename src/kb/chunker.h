// Splits a document's text into passages sized for retrieval, along its headings and paragraphs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lv::kb {

struct ChunkOptions {
  int target_words = 300;  // a chunk ends at the first paragraph end past this
  int max_words = 400;     // and never grows past this (long paragraphs are split at sentences)
  int overlap_words = 50;  // words carried over from the previous chunk of the same section
};

struct TextChunk {
  std::string heading;         // heading trail, e.g. "Setup > Network" (empty before the first heading)
  std::string text;            // the passage (a slice of the document text, without the heading lines)
  int ordinal = 0;             // position in the document, from 0
  std::size_t char_begin = 0;  // byte offsets of the slice in the document text
  std::size_t char_end = 0;
};

// Headings are Markdown ATX lines ("# Title", up to six '#'); a new heading always starts a new chunk, so
// a chunk never spans two sections. Blank-only documents give no chunks. Throws lv::Error for options that
// make no sense (non-positive sizes, overlap not below the target).
std::vector<TextChunk> chunk_text(std::string_view text, const ChunkOptions& options = {});

// Checks chunk options; throws lv::Error naming the setting and the fix.
void check_chunk_options(const ChunkOptions& options);

}  // namespace lv::kb
