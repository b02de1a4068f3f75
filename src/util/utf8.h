// UTF-8 byte-level helpers: sequence scanning and validation, code point decoding and encoding, safe cuts.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace lv::util {

// The replacement character U+FFFD, encoded.
inline constexpr std::string_view kUtf8Replacement = "\xEF\xBF\xBD";

// True for 10xxxxxx bytes, which continue a multi-byte sequence rather than start a code point.
inline bool is_utf8_continuation(char byte) { return (static_cast<unsigned char>(byte) & 0xC0U) == 0x80U; }

// Length the lead byte announces (1 to 4), judged by its bit pattern alone; 1 for a byte that cannot lead.
std::size_t utf8_sequence_length(unsigned char lead);

// The sequence at the start of some text, checked strictly (no overlong forms, surrogates or values past
// U+10FFFF).
struct Utf8Scan {
  enum class Status { complete, incomplete, invalid };
  Status status = Status::invalid;
  // complete: the sequence's length. incomplete: the bytes present (all well-formed so far).
  // invalid: the maximal well-formed prefix to replace by one U+FFFD (at least 1 byte).
  std::size_t length = 1;
};
// Scans the sequence starting at text[0]; `text` must not be empty.
Utf8Scan scan_utf8(std::string_view text);

// Length of the valid sequence starting at text[pos], or 0 when it is invalid or cut off by the end.
std::size_t valid_utf8_length(std::string_view text, std::size_t pos);

// True when `text` is entirely valid UTF-8.
bool is_valid_utf8(std::string_view text);

// Decodes the code point at `pos` (which should be valid UTF-8, e.g. repaired) and advances `pos` past it.
// A sequence cut off by the end yields what its bytes hold.
char32_t next_code_point(std::string_view text, std::size_t& pos);

// Appends `code_point` encoded as UTF-8.
void append_utf8(std::string& out, char32_t code_point);

// The largest cut position <= `pos` (and <= text.size()) that does not split a multi-byte sequence.
std::size_t utf8_boundary_before(std::string_view text, std::size_t pos);

}  // namespace lv::util
