// A scoped SQLite transaction: committed explicitly, rolled back when left early (an exception).
#pragma once

namespace lv::sqlite {

class Database;

class Transaction {
 public:
  // BEGIN IMMEDIATE takes the write lock up front, so two writers wait on busy_timeout instead of one
  // failing with SQLITE_BUSY halfway through.
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();

 private:
  Database& db_;
  bool open_ = true;
};

}  // namespace lv::sqlite
