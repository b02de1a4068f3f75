// Writes small valid PDFs (one page, Helvetica text lines) for extraction tests.
#pragma once

#include <string>
#include <vector>

namespace lv::test {

// A one-page PDF showing each line of `lines` (ASCII), with a correct cross-reference table.
std::string make_pdf(const std::vector<std::string>& lines);

}  // namespace lv::test
