#include "util/sqlite_statement.h"

#include <sqlite3.h>

#include "util/sqlite_database.h"

namespace lv::sqlite {

void Statement::Finalizer::operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }

Statement::Statement(Database& db, std::string_view sql) : db_(&db) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v3(db.db_.get(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                    &raw, nullptr);
  statement_.reset(raw);
  if (rc != SQLITE_OK) {
    db.fail(rc, "reading");
  }
}

Statement::Use::Use(Statement& statement) : statement_(statement) { statement_.reset(); }

Statement::Use::~Use() { statement_.reset(); }

void Statement::reset() {
  // The result code of reset repeats the last step's error, which step() already reported.
  sqlite3_reset(statement_.get());
  sqlite3_clear_bindings(statement_.get());
}

void Statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(statement_.get(), index, value);
  if (rc != SQLITE_OK) {
    db_->fail(rc, "writing");
  }
}

void Statement::bind(int index, double value) {
  const int rc = sqlite3_bind_double(statement_.get(), index, value);
  if (rc != SQLITE_OK) {
    db_->fail(rc, "writing");
  }
}

void Statement::bind(int index, std::string_view text) {
  // SQLITE_TRANSIENT: SQLite copies the text, so the caller's buffer may go away before step().
  const int rc = sqlite3_bind_text64(statement_.get(), index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) {
    db_->fail(rc, "writing");
  }
}

void Statement::bind_blob(int index, const void* data, std::size_t size_bytes) {
  const int rc = sqlite3_bind_blob64(statement_.get(), index, data, size_bytes, SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) {
    db_->fail(rc, "writing");
  }
}

void Statement::bind_null(int index) {
  const int rc = sqlite3_bind_null(statement_.get(), index);
  if (rc != SQLITE_OK) {
    db_->fail(rc, "writing");
  }
}

void Statement::bind(int index, const std::optional<std::int64_t>& value) {
  if (value) {
    bind(index, *value);
  } else {
    bind_null(index);
  }
}

bool Statement::step() {
  const int rc = sqlite3_step(statement_.get());
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  db_->fail(rc, sqlite3_stmt_readonly(statement_.get()) != 0 ? "reading" : "writing");
}

void Statement::run() {
  while (step()) {
  }
}

bool Statement::is_null(int column) const { return sqlite3_column_type(statement_.get(), column) == SQLITE_NULL; }

std::int64_t Statement::column_int(int column) const { return sqlite3_column_int64(statement_.get(), column); }

double Statement::column_double(int column) const { return sqlite3_column_double(statement_.get(), column); }

std::string Statement::column_text(int column) const {
  const auto* text = sqlite3_column_text(statement_.get(), column);
  // The byte count is read after the text pointer, as SQLite requires for a correct length.
  const int size_bytes = sqlite3_column_bytes(statement_.get(), column);
  return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text), size_bytes);
}

std::string_view Statement::column_blob(int column) const {
  const void* data = sqlite3_column_blob(statement_.get(), column);
  const auto size_bytes = static_cast<std::size_t>(sqlite3_column_bytes(statement_.get(), column));
  return data == nullptr ? std::string_view() : std::string_view(static_cast<const char*>(data), size_bytes);
}

}  // namespace lv::sqlite
