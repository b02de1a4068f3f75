#include "util/utf8_sanitizer.h"

#include "util/utf8.h"

namespace lv::util {

std::string Utf8Sanitizer::push(std::string_view bytes) {
  pending_.append(bytes);
  std::string out;
  out.reserve(pending_.size());
  std::size_t i = 0;
  while (i < pending_.size()) {
    const Utf8Scan scan = scan_utf8(std::string_view(pending_).substr(i));
    if (scan.status == Utf8Scan::Status::complete) {
      out.append(pending_, i, scan.length);
    } else if (scan.status == Utf8Scan::Status::incomplete) {
      break;  // wait for the rest of the character
    } else {
      out.append(kUtf8Replacement);
    }
    i += scan.length;
  }
  pending_.erase(0, i);
  return out;
}

std::string Utf8Sanitizer::finish() {
  std::string out = pending_.empty() ? std::string() : std::string(kUtf8Replacement);
  pending_.clear();
  return out;
}

std::string sanitize_utf8(std::string_view bytes) {
  Utf8Sanitizer sanitizer;
  std::string out = sanitizer.push(bytes);
  out += sanitizer.finish();
  return out;
}

}  // namespace lv::util
