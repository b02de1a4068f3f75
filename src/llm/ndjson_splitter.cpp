#include "llm/ndjson_splitter.h"

namespace lv::llm {

void NdjsonSplitter::feed(std::string_view bytes, const LineHandler& on_line) {
  std::size_t start = 0;
  while (true) {
    const std::size_t newline = bytes.find('\n', start);
    if (newline == std::string_view::npos) {
      line_.append(bytes.substr(start));
      return;
    }
    line_.append(bytes.substr(start, newline - start));
    std::string line = std::move(line_);
    line_.clear();
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (line.find_first_not_of(" \t") != std::string::npos) {
      on_line(line);
    }
    start = newline + 1;
  }
}

void NdjsonSplitter::finish(const LineHandler& on_line) {
  std::string line = std::move(line_);
  line_.clear();
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  if (line.find_first_not_of(" \t") != std::string::npos) {
    on_line(line);
  }
}

}  // namespace lv::llm
