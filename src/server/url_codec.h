// Splitting and percent-decoding request targets ("/a%20b?x=1&y=2").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace lv::server {

// Percent-decodes; '+' becomes a space only when `plus_is_space` (query strings). Returns nullopt for a
// malformed escape ("%G1", a trailing "%") or an encoded NUL byte.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

struct ParsedTarget {
  std::string path;
  std::multimap<std::string, std::string> query;
};

// Returns nullopt when the target is not an origin-form path or is malformed.
std::optional<ParsedTarget> parse_target(std::string_view target);

}  // namespace lv::server
