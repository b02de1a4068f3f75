#include "llm/ndjson_splitter.h"

#include <utility>

#include "util/text.h"

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
    deliver(on_line);
    start = newline + 1;
  }
}

void NdjsonSplitter::finish(const LineHandler& on_line) { deliver(on_line); }

void NdjsonSplitter::deliver(const LineHandler& on_line) {
  std::string line = std::move(line_);
  line_.clear();
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  if (!util::is_blank(line)) {
    on_line(line);
  }
}

}  // namespace lv::llm
