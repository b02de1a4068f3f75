// Turns a stream of raw bytes into valid UTF-8: whole characters only, invalid bytes replaced.
#pragma once

#include <string>
#include <string_view>

namespace lv::util {

// Holds back a multi-byte character split across pushes until it is complete; replaces invalid bytes
// with U+FFFD (one per maximal invalid subsequence, as Unicode recommends).
class Utf8Sanitizer {
 public:
  // Returns the valid UTF-8 text that is complete so far.
  std::string push(std::string_view bytes);
  // Returns what is still held back (an unfinished character becomes U+FFFD) and resets.
  std::string finish();

 private:
  std::string pending_;
};

// `bytes` as valid UTF-8 in one go (what push + finish return).
std::string sanitize_utf8(std::string_view bytes);

}  // namespace lv::util
