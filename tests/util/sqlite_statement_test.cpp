#include "util/sqlite_statement.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <string_view>

#include "support/test_paths.h"
#include "util/error.h"
#include "util/sqlite_database.h"

namespace lv::sqlite {
namespace {

TEST(SqliteStatement, BindsAndReadsEveryType) {
  test::TempDir dir;
  Database db(dir / "h.sqlite3", 1000);
  db.exec("CREATE TABLE t (i INTEGER, d REAL, s TEXT, n INTEGER)");
  Statement insert = db.prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4)");
  {
    const auto use = insert.use();
    insert.bind(1, std::int64_t{1} << 40);
    insert.bind(2, 2.5);
    insert.bind(3, std::string_view("héllo\0there", 12));
    insert.bind(4, std::optional<std::int64_t>());
    insert.run();
  }
  Statement select = db.prepare("SELECT i, d, s, n FROM t");
  const auto use = select.use();
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.column_int(0), std::int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(select.column_double(1), 2.5);
  EXPECT_EQ(select.column_text(2), std::string("héllo\0there", 12));
  EXPECT_TRUE(select.is_null(3));
  EXPECT_FALSE(select.is_null(0));
  EXPECT_FALSE(select.step());
}

TEST(SqliteStatement, ReuseStartsFromCleanBindings) {
  test::TempDir dir;
  Database db(dir / "h.sqlite3", 1000);
  db.exec("CREATE TABLE t (a INTEGER, b INTEGER)");
  Statement insert = db.prepare("INSERT INTO t VALUES (?1, ?2)");
  for (std::int64_t i = 0; i < 3; ++i) {
    const auto use = insert.use();
    insert.bind(1, i);
    if (i == 0) {
      insert.bind(2, std::optional<std::int64_t>(99));
    }
    insert.run();
  }
  // Only the first row got b: a reused statement does not keep old values.
  EXPECT_EQ(db.query_int("SELECT COUNT(*) FROM t WHERE b IS NULL"), 2);
  EXPECT_EQ(db.query_int("SELECT SUM(a) FROM t"), 3);
}

// A cached SELECT left mid-way would hold a read snapshot; Use ends it so that other writes are seen.
TEST(SqliteStatement, EndingAUseReleasesItsSnapshot) {
  test::TempDir dir;
  const auto path = dir / "h.sqlite3";
  Database reader(path, 1000);
  reader.exec("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2);");
  Statement count = reader.prepare("SELECT COUNT(*) FROM t");
  Statement rows = reader.prepare("SELECT x FROM t");
  {
    const auto use = rows.use();
    ASSERT_TRUE(rows.step());  // stopped after the first of two rows
  }
  Database writer(path, 1000);
  writer.exec("INSERT INTO t VALUES (3)");
  const auto use = count.use();
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.column_int(0), 3);
}

TEST(SqliteStatement, BlobsRoundTripTheirBytes) {
  test::TempDir dir;
  Database db(dir / "h.sqlite3", 1000);
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB)");
  const float vector[] = {1.5F, -2.0F, 0.0F};
  Statement insert = db.prepare("INSERT INTO t (b) VALUES (?1)");
  {
    const auto use = insert.use();
    insert.bind_blob(1, vector, sizeof(vector));
    insert.run();
  }
  EXPECT_EQ(db.last_insert_rowid(), 1);
  db.exec("INSERT INTO t (b) VALUES (NULL)");
  EXPECT_EQ(db.last_insert_rowid(), 2);
  Statement select = db.prepare("SELECT b FROM t ORDER BY id");
  const auto use = select.use();
  ASSERT_TRUE(select.step());
  const std::string_view bytes = select.column_blob(0);
  ASSERT_EQ(bytes.size(), sizeof(vector));
  EXPECT_EQ(std::memcmp(bytes.data(), vector, sizeof(vector)), 0);
  ASSERT_TRUE(select.step());
  EXPECT_TRUE(select.column_blob(0).empty());
}

TEST(SqliteStatement, BindAllNumbersParametersInOrder) {
  test::TempDir dir;
  Database db(dir / "h.sqlite3", 1000);
  db.exec("CREATE TABLE t (a INTEGER, b TEXT, c REAL, d BLOB)");
  Statement insert = db.prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4)");
  const std::string bytes = "xyz";
  {
    const auto use = insert.use();
    insert.bind_all(std::int64_t{7}, std::string("seven"), 7.5, Blob{bytes.data(), bytes.size()});
    insert.run();
  }
  Statement select = db.prepare("SELECT a, b, c, d FROM t");
  const auto use = select.use();
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.column_int(0), 7);
  EXPECT_EQ(select.column_text(1), "seven");
  EXPECT_DOUBLE_EQ(select.column_double(2), 7.5);
  EXPECT_EQ(select.column_blob(3), "xyz");
}

TEST(SqliteStatement, ConstraintViolationsAreErrors) {
  test::TempDir dir;
  Database db(dir / "h.sqlite3", 1000);
  db.exec("CREATE TABLE t (x INTEGER PRIMARY KEY)");
  Statement insert = db.prepare("INSERT INTO t VALUES (?1)");
  {
    const auto use = insert.use();
    insert.bind(1, std::int64_t{1});
    insert.run();
  }
  const auto use = insert.use();
  insert.bind(1, std::int64_t{1});
  EXPECT_THROW(insert.run(), Error);
}

}  // namespace
}  // namespace lv::sqlite
