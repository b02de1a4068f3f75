// Pending timers and reminders in SQLite (<data dir>/timers.sqlite3, WAL, synchronous=FULL): a timer that
// was set survives a restart or a kill -9.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <vector>

#include "tools/timer_entry.h"
#include "util/sqlite_database.h"

namespace lv::tools {

std::filesystem::path timer_database_path(const std::filesystem::path& data_dir);

// Thread-safe: one connection behind a mutex (a timer every few minutes needs no pool).
class TimerStore {
 public:
  // Opens or creates the file; throws lv::Error with a fix for an unusable one.
  explicit TimerStore(const std::filesystem::path& path, int busy_timeout_ms = 5000);

  // Stores `entry` (its id is ignored) and returns it with the id it got.
  TimerEntry add(TimerEntry entry);
  // Every pending entry, soonest first.
  std::vector<TimerEntry> list();
  // Entries due at or before `now_ms`, soonest first.
  std::vector<TimerEntry> due(std::int64_t now_ms);
  std::optional<TimerEntry> find(std::int64_t id);
  // Deletes one; false when there was none with that id.
  bool remove(std::int64_t id);
  // The earliest due time, or nullopt when nothing is pending.
  std::optional<std::int64_t> next_due_ms();

 private:
  std::vector<TimerEntry> select(std::string_view where_sql, std::optional<std::int64_t> value);

  std::mutex mutex_;
  sqlite::Database db_;
};

}  // namespace lv::tools
