#include "history/history_schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>

#include "history/sqlite_history.h"
#include "history_test_data.h"
#include "support/test_paths.h"
#include "util/error.h"
#include "util/sqlite_database.h"

namespace lv::history {
namespace {

using ::testing::HasSubstr;

TEST(HistorySchema, MigrationsAreNumberedOneByOne) {
  const auto migrations = history_migrations();
  ASSERT_FALSE(migrations.empty());
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    EXPECT_EQ(migrations[i].version, static_cast<int>(i) + 1);
    EXPECT_FALSE(migrations[i].sql.empty());
  }
  EXPECT_EQ(current_schema_version(), migrations.back().version);
}

TEST(HistorySchema, CreatesEveryTableFromAnEmptyFile) {
  test::TempDir dir;
  sqlite::Database db(dir / "h.sqlite3", 1000);
  EXPECT_EQ(db.query_int("PRAGMA user_version"), 0);
  migrate(db, history_migrations());
  EXPECT_EQ(db.query_int("PRAGMA user_version"), current_schema_version());
  for (const char* column : {"id", "started_at_ms", "ended_at_ms", "stt_engine", "llm_engine", "tts_engine"}) {
    EXPECT_EQ(
        db.query_int(std::string("SELECT COUNT(*) FROM pragma_table_info('sessions') WHERE name = '") + column + "'"),
        1)
        << column;
  }
  for (const char* column : {"session_id",
                             "turn",
                             "started_at_ms",
                             "user_text",
                             "assistant_text",
                             "interrupted",
                             "status",
                             "stt_ms",
                             "retrieval_ms",
                             "llm_first_token_ms",
                             "tts_first_audio_ms",
                             "end_to_end_ms",
                             "first_sentence_ms",
                             "user_audio_ms",
                             "reply_audio_ms",
                             "prompt_tokens",
                             "completion_tokens",
                             "stt_engine",
                             "llm_engine",
                             "tts_engine"}) {
    EXPECT_EQ(
        db.query_int(std::string("SELECT COUNT(*) FROM pragma_table_info('turns') WHERE name = '") + column + "'"), 1)
        << column;
  }
  // Running it again changes nothing (every open does).
  EXPECT_NO_THROW(migrate(db, history_migrations()));
  EXPECT_EQ(db.query_int("PRAGMA user_version"), current_schema_version());
}

// Upgrades run only the steps newer than the file, keep the data, and record the new version.
TEST(HistorySchema, UpgradesAnOlderFileKeepingItsRows) {
  test::TempDir dir;
  sqlite::Database db(dir / "h.sqlite3", 1000);
  constexpr std::array kOld{Migration{1, "CREATE TABLE notes (text TEXT NOT NULL);"}};
  migrate(db, kOld);
  db.exec("INSERT INTO notes VALUES ('kept')");
  ASSERT_EQ(db.query_int("PRAGMA user_version"), 1);
  // Step 1 would fail if it ran again (the table exists), so this also checks that it is skipped.
  constexpr std::array kNew{Migration{1, "CREATE TABLE notes (text TEXT NOT NULL);"},
                            Migration{2, "ALTER TABLE notes ADD COLUMN created_at_ms INTEGER NOT NULL DEFAULT 7;"},
                            Migration{3, "CREATE INDEX notes_by_time ON notes (created_at_ms);"}};
  migrate(db, kNew);
  EXPECT_EQ(db.query_int("PRAGMA user_version"), 3);
  EXPECT_EQ(db.query_text("SELECT text FROM notes"), "kept");
  EXPECT_EQ(db.query_int("SELECT created_at_ms FROM notes"), 7);
}

TEST(HistorySchema, AFailingStepLeavesTheFileAsItWas) {
  test::TempDir dir;
  sqlite::Database db(dir / "h.sqlite3", 1000);
  constexpr std::array kOld{Migration{1, "CREATE TABLE notes (text TEXT);"}};
  migrate(db, kOld);
  constexpr std::array kBroken{Migration{1, "CREATE TABLE notes (text TEXT);"},
                               Migration{2, "CREATE TABLE more (x INTEGER);"}, Migration{3, "THIS IS NOT SQL;"}};
  EXPECT_THROW(migrate(db, kBroken), Error);
  EXPECT_EQ(db.query_int("PRAGMA user_version"), 1);
  EXPECT_EQ(db.query_int("SELECT COUNT(*) FROM sqlite_master WHERE name = 'more'"), 0);
}

TEST(HistorySchema, RefusesAFileNewerThanItsSteps) {
  test::TempDir dir;
  sqlite::Database db(dir / "h.sqlite3", 1000);
  db.exec("PRAGMA user_version = 5");
  try {
    migrate(db, history_migrations());
    FAIL() << "accepted a newer file";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("schema version 5"));
    EXPECT_THAT(e.fix(), HasSubstr("upgrade LocalVoice"));
  }
  EXPECT_EQ(db.query_int("PRAGMA user_version"), 5);
}

// A file that is at version 0 but already holds rows written by hand (or by an old build that never set
// the version) is not silently accepted: creating the tables fails and nothing changes.
TEST(HistorySchema, AnUnversionedFileWithConflictingTablesIsLeftAlone) {
  test::TempDir dir;
  const auto path = dir / "h.sqlite3";
  {
    sqlite::Database db(path, 1000);
    db.exec("CREATE TABLE sessions (something TEXT)");
  }
  EXPECT_THROW(SqliteHistory history(path), Error);
  sqlite::Database db(path, 1000);
  EXPECT_EQ(db.query_int("PRAGMA user_version"), 0);
  EXPECT_EQ(db.query_int("SELECT COUNT(*) FROM sqlite_master WHERE name = 'turns'"), 0);
}

}  // namespace
}  // namespace lv::history
