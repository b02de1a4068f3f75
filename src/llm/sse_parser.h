// Incremental parser for server-sent events (text/event-stream), fed whatever pieces the network delivers.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace lv::llm {

struct SseEvent {
  std::string event;  // "message" unless the server named it
  std::string data;   // data lines joined with '\n'
  std::string id;
};

// Follows the WHATWG event-stream rules: lines end in LF, CRLF or CR (a CRLF may be split across pieces),
// lines starting with ':' are comments, "data:" lines accumulate, a blank line dispatches the event.
class SseParser {
 public:
  using EventHandler = std::function<void(const SseEvent& event)>;

  // Parses the next piece and calls `on_event` for every event it completes.
  void feed(std::string_view bytes, const EventHandler& on_event);
  // Bytes seen that do not yet form a complete line or event.
  bool has_partial_event() const { return !line_.empty() || has_data_; }

 private:
  void process_line(std::string_view line, const EventHandler& on_event);

  std::string line_;
  bool skip_next_lf_ = false;  // the previous piece ended with CR; an LF right after belongs to it
  SseEvent current_;
  bool has_data_ = false;
};

}  // namespace lv::llm
