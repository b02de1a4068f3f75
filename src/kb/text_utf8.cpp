#include "kb/text_utf8.h"

#include <algorithm>

namespace lv::kb {
namespace {

// Length of the valid UTF-8 sequence starting at `pos`, or 0 when it is invalid.
std::size_t valid_sequence_length(std::string_view bytes, std::size_t pos) {
  const auto byte = [&bytes](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  const unsigned char lead = byte(pos);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  char32_t min_value = 0;
  char32_t value = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    min_value = 0x80;
    value = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    min_value = 0x800;
    value = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    min_value = 0x10000;
    value = lead & 0x07;
  } else {
    return 0;
  }
  if (pos + length > bytes.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    const unsigned char next = byte(pos + i);
    if ((next & 0xC0) != 0x80) return 0;
    value = (value << 6) | (next & 0x3F);
  }
  if (value < min_value || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

bool looks_binary(std::string_view bytes) {
  const std::string_view sample = bytes.substr(0, std::size_t{64} << 10);
  if (sample.find('\0') != std::string_view::npos) return true;
  std::size_t suspicious = 0;
  std::size_t pos = 0;
  while (pos < sample.size()) {
    const auto c = static_cast<unsigned char>(sample[pos]);
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') {
      ++suspicious;
      ++pos;
      continue;
    }
    const std::size_t length = valid_sequence_length(sample, pos);
    if (length == 0) {
      // A sequence cut off by the end of the sample is not evidence of binary content.
      if (pos + 4 < sample.size() || sample.size() == bytes.size()) ++suspicious;
      ++pos;
    } else {
      pos += length;
    }
  }
  return suspicious * 10 > sample.size();
}

RepairedText repair_utf8(std::string_view bytes) {
  RepairedText out;
  out.text.reserve(bytes.size());
  std::size_t pos = 0;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
  while (pos < bytes.size()) {
    const std::size_t length = valid_sequence_length(bytes, pos);
    if (length == 0) {
      out.text += "\xEF\xBF\xBD";
      ++out.replaced;
      ++pos;
      // Continuation bytes of the broken sequence would each become their own U+FFFD; skip them.
      while (pos < bytes.size() && (static_cast<unsigned char>(bytes[pos]) & 0xC0) == 0x80) ++pos;
    } else {
      out.text.append(bytes.substr(pos, length));
      pos += length;
    }
  }
  return out;
}

char32_t next_code_point(std::string_view text, std::size_t& pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  std::size_t length = 1;
  char32_t value = lead;
  if (lead >= 0xF0) {
    length = 4;
    value = lead & 0x07;
  } else if (lead >= 0xE0) {
    length = 3;
    value = lead & 0x0F;
  } else if (lead >= 0xC0) {
    length = 2;
    value = lead & 0x1F;
  }
  length = std::min(length, text.size() - pos);
  for (std::size_t i = 1; i < length; ++i) {
    value = (value << 6) | (static_cast<unsigned char>(text[pos + i]) & 0x3F);
  }
  pos += length;
  return value;
}

void append_utf8(std::string& out, char32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

}  // namespace lv::kb
