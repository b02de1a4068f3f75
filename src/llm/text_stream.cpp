#include "llm/text_stream.h"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace lv::llm {

StopSequenceFilter::StopSequenceFilter(std::vector<std::string> stop_sequences) {
  for (auto& stop : stop_sequences) {
    if (!stop.empty()) {
      stops_.push_back(std::move(stop));
    }
  }
}

std::string StopSequenceFilter::push(std::string_view text) {
  if (stopped_) {
    return {};
  }
  held_.append(text);
  std::size_t first_match = std::string::npos;
  for (const auto& stop : stops_) {
    first_match = std::min(first_match, held_.find(stop));
  }
  if (first_match != std::string::npos) {
    stopped_ = true;
    std::string out = held_.substr(0, first_match);
    held_.clear();
    return out;
  }
  // Keep the longest tail of held_ that is the start of some stop sequence; the rest is safe to show.
  std::size_t keep = 0;
  for (const auto& stop : stops_) {
    const std::size_t max_len = std::min(stop.size() - 1, held_.size());
    for (std::size_t len = max_len; len > keep; --len) {
      if (held_.compare(held_.size() - len, len, stop, 0, len) == 0) {
        keep = len;
        break;
      }
    }
  }
  std::string out = held_.substr(0, held_.size() - keep);
  held_.erase(0, held_.size() - keep);
  return out;
}

std::string StopSequenceFilter::finish() {
  std::string out = stopped_ ? std::string() : std::move(held_);
  held_.clear();
  return out;
}

std::string DeltaText::push(std::string_view bytes) { return stop_.push(utf8_.push(bytes)); }

std::string DeltaText::finish() {
  std::string out = stop_.push(utf8_.finish());
  out += stop_.finish();
  return out;
}

}  // namespace lv::llm
