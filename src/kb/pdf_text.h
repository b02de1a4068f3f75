// Extracts the text of a PDF with poppler (poppler-cpp), page by page.
#pragma once

#include <string>
#include <string_view>

namespace lv::kb {

// The text of every page, pages separated by blank lines (layout order as poppler reads it). Throws
// lv::Error for a damaged, encrypted or text-less PDF. Poppler's own diagnostics go to the debug log.
std::string pdf_to_text(std::string_view pdf_bytes);

}  // namespace lv::kb
