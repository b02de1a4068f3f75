// Reads a state machine's transition table from docs/architecture.md, so tests can hold the code to the doc.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <tuple>

namespace lv::test {

// (from, event, to), as the doc writes the state and event names.
using DocTransition = std::tuple<std::string, std::string, std::string>;

// The rows of the first Markdown table after the heading line `heading` (e.g. "### Reply states") in
// docs/architecture.md whose header row is `| from | event | to |` (other columns are ignored). Backticks around
// names are dropped. Fails the calling test (and returns what it found) when the heading or table is missing.
std::set<DocTransition> doc_transitions(std::string_view heading);

}  // namespace lv::test
