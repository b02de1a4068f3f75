// One SQLite connection (RAII over sqlite3*) whose failures become lv::Error naming the file and the fix.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

struct sqlite3;

namespace lv::sqlite {

class Statement;

// Not thread-safe: the owner serializes access (e.g. with a mutex).
class Database {
 public:
  // Opens the file read-write, creating it and its parent directories when missing. `busy_timeout_ms` is how
  // long a statement waits for another process's lock (a CLI reading while the server writes) before failing.
  // `noun` names the file in error messages ("history database").
  Database(std::filesystem::path path, int busy_timeout_ms, std::string noun = "database");
  // Statements point at their Database, so it stays where it was made.
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements that return no rows.
  void exec(std::string_view sql);
  // Runs a statement returning one text value (e.g. "PRAGMA journal_mode=WAL"); empty when it returns none.
  std::string query_text(std::string_view sql);
  std::int64_t query_int(std::string_view sql);
  Statement prepare(std::string_view sql);

  // Rows changed by the last INSERT, UPDATE or DELETE.
  std::int64_t changes() const;
  // The rowid of the last row inserted through this connection.
  std::int64_t last_insert_rowid() const;
  const std::filesystem::path& path() const { return path_; }

  // Throws the lv::Error for SQLite result code `rc` (the connection's message added), saying what was
  // being done: "reading", "writing", ...
  [[noreturn]] void fail(int rc, std::string_view doing) const;

 private:
  friend class Statement;
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  std::filesystem::path path_;
  std::string noun_;
  std::unique_ptr<sqlite3, Closer> db_;
};

// The lv::Error for a SQLite result code on `path`: corrupt file, full disk, unwritable folder, lock held
// too long, ... each with its fix. `detail` is SQLite's own message; `noun` names the file ("history database").
[[noreturn]] void throw_sqlite_error(const std::filesystem::path& path, int rc, std::string_view detail,
                                     std::string_view doing, std::string_view noun = "database");

}  // namespace lv::sqlite
