#include "history/sqlite_transaction.h"

#include "history/sqlite_database.h"

namespace lv::history {

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

}  // namespace lv::history
