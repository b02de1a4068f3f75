#include "util/utf8.h"

#include <algorithm>

namespace lv::util {
namespace {

struct SequenceRule {
  std::size_t length = 0;       // total bytes; 0 when the lead byte is invalid
  unsigned char second_lo = 0;  // allowed range of the second byte (excludes overlongs and surrogates)
  unsigned char second_hi = 0;
};

SequenceRule rule_for(unsigned char lead) {
  if (lead < 0x80) return {1, 0, 0};
  if (lead >= 0xC2 && lead <= 0xDF) return {2, 0x80, 0xBF};
  if (lead == 0xE0) return {3, 0xA0, 0xBF};
  if (lead == 0xED) return {3, 0x80, 0x9F};
  if (lead >= 0xE1 && lead <= 0xEF) return {3, 0x80, 0xBF};
  if (lead == 0xF0) return {4, 0x90, 0xBF};
  if (lead >= 0xF1 && lead <= 0xF3) return {4, 0x80, 0xBF};
  if (lead == 0xF4) return {4, 0x80, 0x8F};
  return {};
}

}  // namespace

std::size_t utf8_sequence_length(unsigned char lead) {
  if ((lead & 0xE0U) == 0xC0U) return 2;
  if ((lead & 0xF0U) == 0xE0U) return 3;
  if ((lead & 0xF8U) == 0xF0U) return 4;
  return 1;
}

Utf8Scan scan_utf8(std::string_view text) {
  const SequenceRule rule = rule_for(static_cast<unsigned char>(text[0]));
  if (rule.length == 0) {
    return {Utf8Scan::Status::invalid, 1};
  }
  for (std::size_t k = 1; k < rule.length; ++k) {
    if (k >= text.size()) {
      return {Utf8Scan::Status::incomplete, k};
    }
    const auto byte = static_cast<unsigned char>(text[k]);
    const unsigned char lo = k == 1 ? rule.second_lo : 0x80;
    const unsigned char hi = k == 1 ? rule.second_hi : 0xBF;
    if (byte < lo || byte > hi) {
      return {Utf8Scan::Status::invalid, k};
    }
  }
  return {Utf8Scan::Status::complete, rule.length};
}

std::size_t valid_utf8_length(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return 0;
  const Utf8Scan scan = scan_utf8(text.substr(pos));
  return scan.status == Utf8Scan::Status::complete ? scan.length : 0;
}

bool is_valid_utf8(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t length = valid_utf8_length(text, pos);
    if (length == 0) return false;
    pos += length;
  }
  return true;
}

char32_t next_code_point(std::string_view text, std::size_t& pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  std::size_t length = 1;
  char32_t value = lead;
  if (lead >= 0xF0) {
    length = 4;
    value = lead & 0x07U;
  } else if (lead >= 0xE0) {
    length = 3;
    value = lead & 0x0FU;
  } else if (lead >= 0xC0) {
    length = 2;
    value = lead & 0x1FU;
  }
  length = std::min(length, text.size() - pos);
  for (std::size_t i = 1; i < length; ++i) {
    value = (value << 6U) | (static_cast<unsigned char>(text[pos + i]) & 0x3FU);
  }
  pos += length;
  return value;
}

void append_utf8(std::string& out, char32_t code_point) {
  const auto byte = [](char32_t bits) { return static_cast<char>(bits); };
  if (code_point < 0x80) {
    out += byte(code_point);
  } else if (code_point < 0x800) {
    out += byte(0xC0U | (code_point >> 6U));
    out += byte(0x80U | (code_point & 0x3FU));
  } else if (code_point < 0x10000) {
    out += byte(0xE0U | (code_point >> 12U));
    out += byte(0x80U | ((code_point >> 6U) & 0x3FU));
    out += byte(0x80U | (code_point & 0x3FU));
  } else {
    out += byte(0xF0U | (code_point >> 18U));
    out += byte(0x80U | ((code_point >> 12U) & 0x3FU));
    out += byte(0x80U | ((code_point >> 6U) & 0x3FU));
    out += byte(0x80U | (code_point & 0x3FU));
  }
}

std::size_t utf8_boundary_before(std::string_view text, std::size_t pos) {
  pos = std::min(pos, text.size());
  while (pos > 0 && pos < text.size() && is_utf8_continuation(text[pos])) {
    --pos;
  }
  return pos;
}

}  // namespace lv::util
