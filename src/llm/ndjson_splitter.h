// Splits a newline-delimited JSON stream (Ollama's /api/chat) into lines, whatever the network pieces.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace lv::llm {

// Splits newline-delimited JSON (application/x-ndjson) into lines, whatever the pieces' boundaries.
class NdjsonSplitter {
 public:
  using LineHandler = std::function<void(std::string_view line)>;

  // Calls `on_line` for every complete, non-blank line (without the line ending).
  void feed(std::string_view bytes, const LineHandler& on_line);
  // Delivers a last line that had no newline; call when the stream ends.
  void finish(const LineHandler& on_line);

 private:
  // Hands the collected line (less a trailing '\r') to `on_line` unless it is blank, and starts a new one.
  void deliver(const LineHandler& on_line);

  std::string line_;
};

}  // namespace lv::llm
