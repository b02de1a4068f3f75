#include "llm/sse_parser.h"

namespace lv::llm {

void SseParser::feed(std::string_view bytes, const EventHandler& on_event) {
  for (const char c : bytes) {
    if (skip_next_lf_) {
      skip_next_lf_ = false;
      if (c == '\n') {
        continue;
      }
    }
    if (c == '\r' || c == '\n') {
      skip_next_lf_ = (c == '\r');
      const std::string line = std::move(line_);
      line_.clear();
      process_line(line, on_event);
    } else {
      line_.push_back(c);
    }
  }
}

void SseParser::process_line(std::string_view line, const EventHandler& on_event) {
  if (line.empty()) {
    if (has_data_) {
      if (current_.event.empty()) {
        current_.event = "message";
      }
      on_event(current_);
    }
    current_.event.clear();
    current_.data.clear();
    has_data_ = false;  // the last event id persists, as the specification says
    return;
  }
  if (line.front() == ':') {
    return;  // comment (servers send these as keep-alives)
  }
  const std::size_t colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') {
    value.remove_prefix(1);
  }
  if (field == "data") {
    if (has_data_) {
      current_.data.push_back('\n');
    }
    current_.data.append(value);
    has_data_ = true;
  } else if (field == "event") {
    current_.event = std::string(value);
  } else if (field == "id") {
    current_.id = std::string(value);
  }
  // "retry" and unknown fields are ignored.
}

}  // namespace lv::llm
