// UTF-8 checks for documents of unknown quality: binary detection and repair.
#pragma once

#include <cstddef>
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

}  // namespace lv::kb
