#include "util/sqlite_transaction.h"

#include "util/sqlite_database.h"

namespace lv::sqlite {

Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (open_) {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {
      // SQLite may already have rolled back on its own (e.g. after SQLITE_FULL); nothing is left to undo.
    }
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

}  // namespace lv::sqlite
