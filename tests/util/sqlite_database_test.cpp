#include "util/sqlite_database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "support/test_paths.h"
#include "util/error.h"
#include "util/sqlite_statement.h"

namespace lv::sqlite {
namespace {

using ::testing::HasSubstr;

TEST(SqliteDatabase, CreatesTheFileAndMissingFolders) {
  test::TempDir dir;
  const auto path = dir / "a" / "b" / "h.sqlite3";
  Database db(path, 1000);
  db.exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (41); UPDATE t SET x = x + 1;");
  EXPECT_EQ(db.changes(), 1);
  EXPECT_EQ(db.query_int("SELECT x FROM t"), 42);
  EXPECT_EQ(db.query_text("SELECT 'text'"), "text");
  EXPECT_EQ(db.query_text("SELECT x FROM t WHERE x < 0"), "");
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(db.path(), path);
}

TEST(SqliteDatabase, AFullDiskNamesTheFileAndTheFix) {
  test::TempDir dir;
  const auto path = dir / "h.sqlite3";
  Database db(path, 1000);
  db.exec("CREATE TABLE t (x BLOB)");
  // A page limit makes SQLite report SQLITE_FULL exactly as a full disk does.
  db.exec("PRAGMA max_page_count = 8");
  try {
    for (int i = 0; i < 100; ++i) {
      db.exec("INSERT INTO t VALUES (zeroblob(4000))");
    }
    FAIL() << "the page limit was never reached";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("the disk is full"));
    EXPECT_THAT(e.what(), HasSubstr(path.string()));
    EXPECT_THAT(e.fix(), HasSubstr("free some disk space"));
  }
}

TEST(SqliteDatabase, TranslatesResultCodesIntoProblemsAndFixes) {
  const std::filesystem::path path = "/data/history.sqlite3";
  const auto message = [&path](int rc) {
    try {
      throw_sqlite_error(path, rc, "detail", "writing");
    } catch (const Error& e) {
      return std::string(e.what()) + " | " + e.fix();
    }
    return std::string();
  };
  EXPECT_THAT(message(SQLITE_NOTADB), HasSubstr("is damaged (detail)"));
  EXPECT_THAT(message(SQLITE_CORRUPT_INDEX), HasSubstr("move it away"));
  EXPECT_THAT(message(SQLITE_FULL), HasSubstr("the disk is full"));
  EXPECT_THAT(message(SQLITE_CANTOPEN_ISDIR), HasSubstr("'/data' writable"));
  EXPECT_THAT(message(SQLITE_READONLY_DIRECTORY), HasSubstr("is read-only"));
  EXPECT_THAT(message(SQLITE_BUSY_TIMEOUT), HasSubstr("locked by another program"));
  EXPECT_THAT(message(SQLITE_IOERR_FSYNC), HasSubstr("input/output error writing"));
  EXPECT_THAT(message(SQLITE_ERROR), HasSubstr("SQLite failed writing"));
}

TEST(SqliteDatabase, MessagesNameTheFileByItsNoun) {
  try {
    throw_sqlite_error("/data/kb.sqlite3", SQLITE_NOTADB, "detail", "reading", "knowledge database");
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("the knowledge database '/data/kb.sqlite3' is damaged"));
  }
}

TEST(SqliteDatabase, ALockHeldByAnotherConnectionWaitsThenFailsClearly) {
  test::TempDir dir;
  const auto path = dir / "h.sqlite3";
  Database holder(path, 1000);
  holder.exec("CREATE TABLE t (x INTEGER)");
  holder.exec("BEGIN IMMEDIATE");
  Database waiter(path, 50);
  try {
    waiter.exec("INSERT INTO t VALUES (1)");
    FAIL() << "wrote while another connection held the lock";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("locked by another program"));
  }
  holder.exec("COMMIT");
  EXPECT_NO_THROW(waiter.exec("INSERT INTO t VALUES (1)"));
}

TEST(SqliteDatabase, BadSqlIsAnErrorNotACrash) {
  test::TempDir dir;
  Database db(dir / "h.sqlite3", 1000);
  EXPECT_THROW(db.exec("SELEKT 1"), Error);
  EXPECT_THROW((void)db.prepare("SELECT * FROM missing_table"), Error);
}

}  // namespace
}  // namespace lv::sqlite
