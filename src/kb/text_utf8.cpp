#include "kb/text_utf8.h"

#include "util/utf8.h"

namespace lv::kb {

using util::valid_utf8_length;

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
    const std::size_t length = valid_utf8_length(sample, pos);
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
    const std::size_t length = valid_utf8_length(bytes, pos);
    if (length == 0) {
      out.text += util::kUtf8Replacement;
      ++out.replaced;
      ++pos;
      // Continuation bytes of the broken sequence would each become their own U+FFFD; skip them.
      while (pos < bytes.size() && util::is_utf8_continuation(bytes[pos])) ++pos;
    } else {
      out.text.append(bytes.substr(pos, length));
      pos += length;
    }
  }
  return out;
}

}  // namespace lv::kb
