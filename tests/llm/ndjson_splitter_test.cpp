#include "llm/ndjson_splitter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lv::llm {
namespace {

TEST(NdjsonSplitter, LinesSplitAcrossPieces) {
  const std::string stream = "{\"a\":1}\n{\"b\":\r\n2}\n\n{\"error\":\"model 'x' not found\"}";
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    NdjsonSplitter splitter;
    std::vector<std::string> lines;
    auto collect = [&](std::string_view line) { lines.emplace_back(line); };
    splitter.feed(std::string_view(stream).substr(0, cut), collect);
    splitter.feed(std::string_view(stream).substr(cut), collect);
    splitter.finish(collect);
    ASSERT_EQ(lines, (std::vector<std::string>{"{\"a\":1}", "{\"b\":", "2}", "{\"error\":\"model 'x' not found\"}"}))
        << "cut at " << cut;
  }
}

}  // namespace
}  // namespace lv::llm
