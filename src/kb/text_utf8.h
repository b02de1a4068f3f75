// UTF-8 helpers for documents of unknown quality: binary detection, repair, and code point iteration.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace lv::kb {

// True when `bytes` looks like a binary file rather than text: a NUL byte, or more than 10 % of the first
// 64 KiB being control characters or invalid UTF-8.
bool looks_binary(std::string_view bytes);

struct RepairedText {
  std::string text;
  std::size_t replaced = 0;  // invalid sequences replaced by U+FFFD
};

// Replaces every invalid UTF-8 sequence (overlong forms, surrogates, truncated sequences) with U+FFFD and
// drops a leading byte-order mark, so that everything downstream can trust the text.
RepairedText repair_utf8(std::string_view bytes);

// Decodes the code point at `pos` (which must be valid UTF-8, e.g. after repair_utf8) and advances `pos`.
char32_t next_code_point(std::string_view text, std::size_t& pos);
void append_utf8(std::string& out, char32_t code_point);

}  // namespace lv::kb
