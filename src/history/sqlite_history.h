// The conversation history in one SQLite file: the voice session records into it, the CLI and API read it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "history/history_reader.h"
#include "history/history_recorder.h"
#include "util/sqlite_database.h"

namespace lv::history {

// <data_dir>/history.sqlite3: where the server and the CLI both find the history.
std::filesystem::path history_database_path(const std::filesystem::path& data_dir);

// Long enough to wait out another process's write (the server recording a turn while `history rm` runs).
inline constexpr int kDefaultBusyTimeoutMs = 5000;

// One connection guarded by a mutex (a turn is recorded every few seconds at most; no pool is needed).
// WAL journal with synchronous=FULL: a turn is on disk when record_turn() returns, so neither a crash nor a
// power cut loses it, and readers in other processes never block the writer.
class SqliteHistory final : public HistoryRecorder, public HistoryReader {
 public:
  // Opens or creates the file (and its folder), upgrading an older schema. Throws lv::Error naming the file
  // and the fix: unwritable folder, damaged file, full disk, a file from a newer LocalVoice.
  explicit SqliteHistory(const std::filesystem::path& path, int busy_timeout_ms = kDefaultBusyTimeoutMs);
  ~SqliteHistory() override;
  SqliteHistory(const SqliteHistory&) = delete;
  SqliteHistory& operator=(const SqliteHistory&) = delete;

  // Creates the session, or updates its start time and engines when it exists.
  void record_session(const SessionRecord& session) override;
  // Inserts (or replaces) the turn; creates the session from the turn when it was never recorded.
  void record_turn(const TurnRecord& turn) override;
  // No effect for an unknown id.
  void end_session(const std::string& session_id, std::int64_t ended_at_ms) override;

  std::vector<SessionSummary> list_sessions(std::size_t limit, std::size_t offset) override;
  std::size_t count_sessions() override;
  std::optional<StoredSession> get_session(const std::string& id) override;
  bool delete_session(const std::string& id) override;

  const std::filesystem::path& path() const { return db_.path(); }

 private:
  struct Statements;
  std::mutex mutex_;
  sqlite::Database db_;
  std::unique_ptr<Statements> statements_;  // prepared once the schema is in place
};

using SqliteHistoryPtr = std::shared_ptr<SqliteHistory>;

// A list title from what the user said: whitespace collapsed, at most `max_chars` characters (UTF-8 code
// points), "…" when shortened.
std::string make_title(const std::string& user_text, std::size_t max_chars = 80);

}  // namespace lv::history
