#include "util/sqlite_transaction.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "support/test_paths.h"
#include "util/sqlite_database.h"

namespace lv::sqlite {
namespace {

TEST(SqliteTransaction, CommitKeepsAndLeavingEarlyRollsBack) {
  test::TempDir dir;
  Database db(dir / "h.sqlite3", 1000);
  db.exec("CREATE TABLE t (x INTEGER)");
  {
    Transaction transaction(db);
    db.exec("INSERT INTO t VALUES (1)");
    transaction.commit();
  }
  try {
    Transaction transaction(db);
    db.exec("INSERT INTO t VALUES (2)");
    throw std::runtime_error("failure halfway");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(db.query_int("SELECT COUNT(*) FROM t"), 1);
  EXPECT_EQ(db.query_int("SELECT x FROM t"), 1);
  // The connection is usable again: no transaction was left open.
  Transaction again(db);
  db.exec("INSERT INTO t VALUES (3)");
  again.commit();
  EXPECT_EQ(db.query_int("SELECT COUNT(*) FROM t"), 2);
}

}  // namespace
}  // namespace lv::sqlite
