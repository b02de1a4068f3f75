// ASCII text helpers shared by every module: trimming and case folding.
#pragma once

#include <string>
#include <string_view>

namespace lv::util {

// The characters trim() removes: space, tab, CR, LF, form feed and vertical tab.
bool is_ascii_space(char c);

// `text` without ASCII whitespace at either end (a view into the same characters).
std::string_view trim(std::string_view text);
// The same for a string about to be dropped (reuses its buffer). Only rvalues bind here, so that trimming a
// named std::string yields a view of it rather than a temporary a view could outlive.
std::string trim(std::string&& text);
inline std::string_view trim(const char* text) { return trim(std::string_view(text)); }
// Only the leading / trailing side.
std::string_view trim_start(std::string_view text);
std::string_view trim_end(std::string_view text);

// True when `text` is empty or only ASCII whitespace.
bool is_blank(std::string_view text);

// A copy with A-Z turned into a-z; other bytes (UTF-8 included) unchanged.
std::string ascii_lower(std::string_view text);

}  // namespace lv::util
