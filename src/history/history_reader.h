// What the CLI and the HTTP API read of recorded conversations: summaries, one whole session, deletion.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "history/history_recorder.h"

namespace lv::history {

// One line of the conversation list.
struct SessionSummary {
  std::string id;
  std::int64_t started_at_ms = 0;
  std::optional<std::int64_t> ended_at_ms;  // empty while the session is open (or when it never ended cleanly)
  std::size_t turn_count = 0;
  std::string title;  // the first thing the user said, shortened; empty when nothing was said
};

// A session with every turn, in turn order.
struct StoredSession {
  SessionRecord session;
  std::optional<std::int64_t> ended_at_ms;
  std::vector<TurnRecord> turns;
  std::string title;  // as in SessionSummary
};

// Thread-safe.
class HistoryReader {
 public:
  virtual ~HistoryReader() = default;
  // Newest first.
  virtual std::vector<SessionSummary> list_sessions(std::size_t limit, std::size_t offset) = 0;
  virtual std::size_t count_sessions() = 0;
  // Empty when there is no session with this id.
  virtual std::optional<StoredSession> get_session(const std::string& id) = 0;
  // Deletes the session and its turns; false when there was none with this id.
  virtual bool delete_session(const std::string& id) = 0;
};

using HistoryReaderPtr = std::shared_ptr<HistoryReader>;

}  // namespace lv::history
