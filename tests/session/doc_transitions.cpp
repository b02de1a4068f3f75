#include "session/doc_transitions.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "support/test_paths.h"

namespace lv::test {
namespace {

std::string clean_cell(std::string cell) {
  std::string out;
  for (const char c : cell) {
    if (c != '`') {
      out.push_back(c);
    }
  }
  const auto begin = out.find_first_not_of(" \t");
  const auto end = out.find_last_not_of(" \t");
  return begin == std::string::npos ? std::string() : out.substr(begin, end - begin + 1);
}

std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream row(line);
  std::string cell;
  std::getline(row, cell, '|');  // before the first bar
  while (std::getline(row, cell, '|')) {
    out.push_back(clean_cell(cell));
  }
  if (!out.empty() && out.back().empty()) {
    out.pop_back();  // after the last bar
  }
  return out;
}

}  // namespace

std::set<DocTransition> doc_transitions(std::string_view heading) {
  std::set<DocTransition> found;
  std::ifstream doc(source_dir() / "docs" / "architecture.md");
  if (!doc) {
    ADD_FAILURE() << "docs/architecture.md is missing";
    return found;
  }
  std::string line;
  bool under_heading = false;
  bool in_table = false;
  while (std::getline(doc, line)) {
    if (!under_heading) {
      under_heading = line == heading;
      continue;
    }
    if (line.starts_with('#')) {
      break;  // the next section
    }
    if (!line.starts_with('|')) {
      if (in_table) {
        break;
      }
      continue;
    }
    const std::vector<std::string> row = cells(line);
    if (!in_table) {
      if (row.size() < 3 || row[0] != "from" || row[1] != "event" || row[2] != "to") {
        ADD_FAILURE() << "the table under '" << heading << "' must start with | from | event | to |";
        return found;
      }
      in_table = true;
      continue;
    }
    if (row.size() < 3 || row[0].starts_with('-')) {
      continue;  // the separator row
    }
    found.emplace(row[0], row[1], row[2]);
  }
  if (!under_heading || found.empty()) {
    ADD_FAILURE() << "no transition table under '" << heading << "' in docs/architecture.md";
  }
  return found;
}

}  // namespace lv::test
