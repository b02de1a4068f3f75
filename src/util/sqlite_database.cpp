#include "util/sqlite_database.h"

#include <sqlite3.h>

#include <system_error>
#include <utility>

#include "util/error.h"
#include "util/sqlite_statement.h"

namespace lv::sqlite {
namespace {

std::string in_quotes(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

std::string choose_other_dir_fix(const std::filesystem::path& dir) {
  return "make " + in_quotes(dir) +
         " writable by this user, or choose another data dir with --data-dir (paths.data_dir)";
}

}  // namespace

void throw_sqlite_error(const std::filesystem::path& path, int rc, std::string_view detail, std::string_view doing,
                        std::string_view noun) {
  const std::string the_file = "the " + std::string(noun) + " ";
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  const std::string what = " (" + std::string(detail) + ")";
  // Extended codes carry the primary code in the low byte; the fix depends only on that.
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      throw Error(the_file + in_quotes(path) + " is damaged" + what,
                  "move it away (e.g. mv " + in_quotes(path) + " " +
                      in_quotes(std::filesystem::path(path.string() + ".damaged")) +
                      "); a new, empty one is created the next time LocalVoice starts");
    case SQLITE_FULL:
      throw Error("cannot write " + the_file + in_quotes(path) + ": the disk is full" + what,
                  "free some disk space on the disk holding " + in_quotes(dir) +
                      ", or choose another data dir with --data-dir (paths.data_dir)");
    case SQLITE_CANTOPEN:
      throw Error("cannot open " + the_file + in_quotes(path) + what, choose_other_dir_fix(dir));
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      throw Error(the_file + in_quotes(path) + " is read-only" + what,
                  "make " + in_quotes(path) + " and " + in_quotes(dir) +
                      " writable by this user, or choose another data dir with --data-dir (paths.data_dir)");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw Error(the_file + in_quotes(path) + " stayed locked by another program" + what,
                  "wait until the other LocalVoice process using it is idle, then try again");
    case SQLITE_IOERR:
      throw Error("input/output error " + std::string(doing) + " " + the_file + in_quotes(path) + what,
                  "check that the disk holding " + in_quotes(dir) + " is healthy and has free space (see `dmesg`)");
    case SQLITE_NOMEM:
      throw Error("out of memory " + std::string(doing) + " " + the_file + in_quotes(path),
                  "close other programs to free memory");
    default:
      throw Error("SQLite failed " + std::string(doing) + " " + the_file + in_quotes(path) + what,
                  "if it keeps failing, move the file away; a new one is created the next time LocalVoice starts");
  }
}

void Database::Closer::operator()(sqlite3* db) const {
  // sqlite3_close_v2 defers the close until every statement is finalized, so the order of destruction of
  // a Database and its statements cannot leak the connection.
  sqlite3_close_v2(db);
}

Database::Database(std::filesystem::path path, int busy_timeout_ms, std::string noun)
    : path_(std::move(path)), noun_(std::move(noun)) {
  if (path_.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(path_.parent_path(), ec);
    if (ec) {
      throw Error("cannot create the folder " + in_quotes(path_.parent_path()) + " for the " + noun_ + " (" +
                      ec.message() + ")",
                  choose_other_dir_fix(path_.parent_path().parent_path()));
    }
  }
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path_.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  // Even a failed open allocates a handle that must be closed.
  db_.reset(raw);
  if (rc != SQLITE_OK) {
    fail(rc, "opening");
  }
  sqlite3_extended_result_codes(db_.get(), 1);
  sqlite3_busy_timeout(db_.get(), busy_timeout_ms);
}

void Database::exec(std::string_view sql) {
  const std::string text(sql);
  const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    fail(rc, "writing");
  }
}

std::string Database::query_text(std::string_view sql) {
  Statement statement(*this, sql);
  return statement.step() ? statement.column_text(0) : std::string();
}

std::int64_t Database::query_int(std::string_view sql) {
  Statement statement(*this, sql);
  return statement.step() ? statement.column_int(0) : 0;
}

Statement Database::prepare(std::string_view sql) { return Statement(*this, sql); }

std::int64_t Database::changes() const { return sqlite3_changes(db_.get()); }

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }

void Database::fail(int rc, std::string_view doing) const {
  const char* message = db_ ? sqlite3_errmsg(db_.get()) : sqlite3_errstr(rc);
  throw_sqlite_error(path_, rc, message != nullptr ? message : sqlite3_errstr(rc), doing, noun_);
}

}  // namespace lv::sqlite
