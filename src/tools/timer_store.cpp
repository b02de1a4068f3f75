#include "tools/timer_store.h"

#include <string>

#include "util/log.h"
#include "util/sqlite_statement.h"

namespace lv::tools {
namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS timers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  created_at_ms INTEGER NOT NULL,
  due_at_ms INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS timers_by_due ON timers (due_at_ms);
)sql";

constexpr std::string_view kColumns = "id, kind, label, created_at_ms, due_at_ms, duration_ms";

TimerEntry read_entry(const sqlite::Statement& row) {
  TimerEntry entry;
  entry.id = row.column_int(0);
  entry.kind = row.column_text(1) == "reminder" ? TimerKind::reminder : TimerKind::timer;
  entry.label = row.column_text(2);
  entry.created_at_ms = row.column_int(3);
  entry.due_at_ms = row.column_int(4);
  entry.duration_ms = row.column_int(5);
  return entry;
}

}  // namespace

std::filesystem::path timer_database_path(const std::filesystem::path& data_dir) { return data_dir / "timers.sqlite3"; }

TimerStore::TimerStore(const std::filesystem::path& path, int busy_timeout_ms)
    : db_(path, busy_timeout_ms, "timer database") {
  if (db_.query_text("PRAGMA journal_mode = WAL") != "wal") {
    log::warn("timer database is not in WAL mode", {{"path", path.string()}});
  }
  // A timer the user was told is set must be on disk before that answer.
  db_.exec("PRAGMA synchronous = FULL");
  db_.exec(kSchema);
}

TimerEntry TimerStore::add(TimerEntry entry) {
  const std::lock_guard lock(mutex_);
  sqlite::Statement insert(db_,
                           "INSERT INTO timers (kind, label, created_at_ms, due_at_ms, duration_ms) "
                           "VALUES (?1, ?2, ?3, ?4, ?5)");
  const auto use = insert.use();
  insert.bind_all(std::string_view(entry.kind == TimerKind::reminder ? "reminder" : "timer"),
                  std::string_view(entry.label), entry.created_at_ms, entry.due_at_ms, entry.duration_ms);
  insert.run();
  entry.id = db_.last_insert_rowid();
  return entry;
}

std::vector<TimerEntry> TimerStore::select(std::string_view where_sql, std::optional<std::int64_t> value) {
  const std::lock_guard lock(mutex_);
  sqlite::Statement query(
      db_, "SELECT " + std::string(kColumns) + " FROM timers " + std::string(where_sql) + " ORDER BY due_at_ms, id");
  const auto use = query.use();
  if (value) query.bind(1, *value);
  std::vector<TimerEntry> out;
  while (query.step()) out.push_back(read_entry(query));
  return out;
}

std::vector<TimerEntry> TimerStore::list() { return select("", std::nullopt); }

std::vector<TimerEntry> TimerStore::due(std::int64_t now_ms) { return select("WHERE due_at_ms <= ?1", now_ms); }

std::optional<TimerEntry> TimerStore::find(std::int64_t id) {
  auto rows = select("WHERE id = ?1", id);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

bool TimerStore::remove(std::int64_t id) {
  const std::lock_guard lock(mutex_);
  sqlite::Statement erase(db_, "DELETE FROM timers WHERE id = ?1");
  const auto use = erase.use();
  erase.bind(1, id);
  erase.run();
  return db_.changes() > 0;
}

std::optional<std::int64_t> TimerStore::next_due_ms() {
  const std::lock_guard lock(mutex_);
  sqlite::Statement query(db_, "SELECT MIN(due_at_ms) FROM timers");
  const auto use = query.use();
  if (!query.step() || query.is_null(0)) return std::nullopt;
  return query.column_int(0);
}

}  // namespace lv::tools
