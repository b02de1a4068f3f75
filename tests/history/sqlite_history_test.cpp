#include "history/sqlite_history.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>
#include <vector>

#include "history/history_schema.h"
#include "history_test_data.h"
#include "support/test_paths.h"
#include "util/error.h"
#include "util/sqlite_database.h"

namespace lv::history {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

void expect_same_turn(const TurnRecord& actual, const TurnRecord& expected) {
  EXPECT_EQ(actual.session_id, expected.session_id);
  EXPECT_EQ(actual.turn, expected.turn);
  EXPECT_EQ(actual.started_at_ms, expected.started_at_ms);
  EXPECT_EQ(actual.user_text, expected.user_text);
  EXPECT_EQ(actual.assistant_text, expected.assistant_text);
  EXPECT_EQ(actual.interrupted, expected.interrupted);
  EXPECT_EQ(actual.status, expected.status);
  EXPECT_DOUBLE_EQ(actual.stt_ms, expected.stt_ms);
  EXPECT_DOUBLE_EQ(actual.retrieval_ms, expected.retrieval_ms);
  EXPECT_DOUBLE_EQ(actual.llm_first_token_ms, expected.llm_first_token_ms);
  EXPECT_DOUBLE_EQ(actual.tts_first_audio_ms, expected.tts_first_audio_ms);
  EXPECT_DOUBLE_EQ(actual.end_to_end_ms, expected.end_to_end_ms);
  EXPECT_DOUBLE_EQ(actual.first_sentence_ms, expected.first_sentence_ms);
  EXPECT_DOUBLE_EQ(actual.user_audio_ms, expected.user_audio_ms);
  EXPECT_DOUBLE_EQ(actual.reply_audio_ms, expected.reply_audio_ms);
  EXPECT_EQ(actual.prompt_tokens, expected.prompt_tokens);
  EXPECT_EQ(actual.completion_tokens, expected.completion_tokens);
  EXPECT_EQ(actual.stt_engine, expected.stt_engine);
  EXPECT_EQ(actual.llm_engine, expected.llm_engine);
  EXPECT_EQ(actual.tts_engine, expected.tts_engine);
}

std::string error_text(const Error& e) { return std::string(e.what()) + " | fix: " + e.fix(); }

TEST(SqliteHistory, CreatesTheFileAndItsFolderWithTheCurrentSchemaInWalMode) {
  test::TempDir dir;
  const auto path = history_database_path(dir / "data" / "nested");
  EXPECT_EQ(path.filename(), "history.sqlite3");
  {
    SqliteHistory history(path);
    EXPECT_EQ(history.count_sessions(), 0U);
    EXPECT_TRUE(history.list_sessions(10, 0).empty());
  }
  ASSERT_TRUE(std::filesystem::exists(path));
  sqlite::Database db(path, 1000);
  EXPECT_EQ(db.query_int("PRAGMA user_version"), current_schema_version());
  EXPECT_EQ(db.query_text("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(db.query_int("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('sessions', 'turns')"), 2);
}

TEST(SqliteHistory, RoundTripsSessionsAndTurnsWithEveryField) {
  test::TempDir dir;
  const auto path = dir / "history.sqlite3";
  std::vector<TurnRecord> recorded;
  {
    SqliteHistory history(path);
    history.record_session(test_data::session("s1", 1'700'000'000'000));
    for (std::uint32_t n = 1; n <= 3; ++n) {
      recorded.push_back(test_data::turn("s1", n, 1'700'000'001'000 + n * 5000));
    }
    recorded[1].interrupted = true;
    recorded[1].status = "interrupted";
    recorded[1].assistant_text = "Well, the first thing";
    recorded[2].stt_ms = -1;  // stages that did not run stay "did not run"
    recorded[2].retrieval_ms = -1;
    recorded[2].status = "failed";
    recorded[2].assistant_text.clear();
    for (const auto& turn : recorded) {
      history.record_turn(turn);
    }
    history.end_session("s1", 1'700'000'060'000);
  }
  // A new connection reads what the first one wrote.
  SqliteHistory history(path);
  const auto stored = history.get_session("s1");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->session.id, "s1");
  EXPECT_EQ(stored->session.started_at_ms, 1'700'000'000'000);
  EXPECT_EQ(stored->session.stt_engine, "pocketsphinx:en-us");
  EXPECT_EQ(stored->session.llm_engine, "llama:/models/qwen.gguf");
  EXPECT_EQ(stored->session.tts_engine, "flite:slt");
  EXPECT_EQ(stored->ended_at_ms, 1'700'000'060'000);
  EXPECT_EQ(stored->title, "question number 1");
  ASSERT_EQ(stored->turns.size(), 3U);
  for (std::size_t i = 0; i < recorded.size(); ++i) {
    SCOPED_TRACE(i);
    expect_same_turn(stored->turns[i], recorded[i]);
  }
}

TEST(SqliteHistory, ListsNewestFirstWithCountsTitlesAndPaging) {
  test::TempDir dir;
  SqliteHistory history(dir / "history.sqlite3");
  for (int i = 0; i < 5; ++i) {
    const std::string id = "s" + std::to_string(i);
    history.record_session(test_data::session(id, 1'000'000 + i * 1000));
    for (std::uint32_t n = 1; n <= static_cast<std::uint32_t>(i); ++n) {
      auto turn = test_data::turn(id, n, 1'000'000 + i * 1000 + n);
      turn.user_text = n == 1 ? "  " : "said in " + id;  // a turn with nothing recognized is not a title
      history.record_turn(turn);
    }
  }
  history.end_session("s4", 2'000'000);
  EXPECT_EQ(history.count_sessions(), 5U);
  const auto first_page = history.list_sessions(2, 0);
  ASSERT_EQ(first_page.size(), 2U);
  EXPECT_EQ(first_page[0].id, "s4");
  EXPECT_EQ(first_page[0].turn_count, 4U);
  EXPECT_EQ(first_page[0].title, "said in s4");
  EXPECT_EQ(first_page[0].ended_at_ms, 2'000'000);
  EXPECT_EQ(first_page[1].id, "s3");
  EXPECT_FALSE(first_page[1].ended_at_ms.has_value());
  const auto last_page = history.list_sessions(2, 4);
  ASSERT_EQ(last_page.size(), 1U);
  EXPECT_EQ(last_page[0].id, "s0");
  EXPECT_EQ(last_page[0].turn_count, 0U);
  EXPECT_EQ(last_page[0].title, "");
  const auto s1 = history.list_sessions(1, 3);
  ASSERT_EQ(s1.size(), 1U);
  EXPECT_EQ(s1[0].id, "s1");
  EXPECT_EQ(s1[0].title, "");  // its only turn said nothing
  EXPECT_TRUE(history.list_sessions(10, 5).empty());
}

TEST(SqliteHistory, KeepsUnicodeAndAwkwardTextExactly) {
  test::TempDir dir;
  SqliteHistory history(dir / "history.sqlite3");
  auto turn = test_data::turn("sessão-ü", 1, 5);
  turn.user_text = "Ça va? 天気はどう？ 🌦️ \"quotes\" 'single' ; DROP TABLE turns; --";
  turn.assistant_text = std::string("Zero\0byte and invalid \xff\xfe UTF-8 from a random model", 50);
  history.record_turn(turn);
  const auto stored = history.get_session("sessão-ü");
  ASSERT_TRUE(stored.has_value());
  ASSERT_EQ(stored->turns.size(), 1U);
  EXPECT_EQ(stored->turns[0].user_text, turn.user_text);
  EXPECT_EQ(stored->turns[0].assistant_text, turn.assistant_text);
  EXPECT_EQ(stored->title, turn.user_text);
  EXPECT_EQ(history.count_sessions(), 1U);
}

TEST(SqliteHistory, RecordsATurnOfAnUnrecordedSessionAndReplacesARecordedTurn) {
  test::TempDir dir;
  SqliteHistory history(dir / "history.sqlite3");
  auto turn = test_data::turn("late", 1, 42'000);
  history.record_turn(turn);
  auto stored = history.get_session("late");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->session.started_at_ms, 42'000);
  EXPECT_EQ(stored->session.llm_engine, turn.llm_engine);
  // The session arriving afterwards fills in its own start and engines.
  history.record_session({"late", 41'000, "whisper:base.en", "ollama:http://x?model=m", "piper:amy"});
  turn.assistant_text = "corrected";
  history.record_turn(turn);
  stored = history.get_session("late");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->session.started_at_ms, 41'000);
  EXPECT_EQ(stored->session.stt_engine, "whisper:base.en");
  ASSERT_EQ(stored->turns.size(), 1U);
  EXPECT_EQ(stored->turns[0].assistant_text, "corrected");
}

TEST(SqliteHistory, DeletesASessionWithItsTurnsAndReportsUnknownIds) {
  test::TempDir dir;
  SqliteHistory history(dir / "history.sqlite3");
  history.record_session(test_data::session("keep", 1));
  history.record_session(test_data::session("drop", 2));
  history.record_turn(test_data::turn("keep", 1, 3));
  history.record_turn(test_data::turn("drop", 1, 4));
  history.record_turn(test_data::turn("drop", 2, 5));
  EXPECT_FALSE(history.get_session("nope").has_value());
  EXPECT_FALSE(history.delete_session("nope"));
  EXPECT_TRUE(history.delete_session("drop"));
  EXPECT_FALSE(history.get_session("drop").has_value());
  EXPECT_FALSE(history.delete_session("drop"));
  EXPECT_EQ(history.count_sessions(), 1U);
  ASSERT_TRUE(history.get_session("keep").has_value());
  EXPECT_EQ(history.get_session("keep")->turns.size(), 1U);
  sqlite::Database db(history.path(), 1000);
  EXPECT_EQ(db.query_int("SELECT COUNT(*) FROM turns WHERE session_id = 'drop'"), 0);
  // Ending an unknown session is harmless.
  EXPECT_NO_THROW(history.end_session("nope", 9));
}

TEST(SqliteHistory, HoldsManyTurnsInOrder) {
  test::TempDir dir;
  SqliteHistory history(dir / "history.sqlite3");
  history.record_session(test_data::session("long", 1));
  constexpr std::uint32_t kTurns = 1000;
  // Recorded out of order: reading sorts by turn number.
  for (std::uint32_t n = kTurns; n >= 1; --n) {
    history.record_turn(test_data::turn("long", n, n));
  }
  const auto stored = history.get_session("long");
  ASSERT_TRUE(stored.has_value());
  ASSERT_EQ(stored->turns.size(), kTurns);
  for (std::uint32_t n = 1; n <= kTurns; ++n) {
    ASSERT_EQ(stored->turns[n - 1].turn, n);
    ASSERT_EQ(stored->turns[n - 1].user_text, "question number " + std::to_string(n));
  }
  EXPECT_EQ(history.list_sessions(1, 0).at(0).turn_count, kTurns);
}

TEST(SqliteHistory, ConcurrentWritersAndReadersLoseNothing) {
  test::TempDir dir;
  const auto path = dir / "history.sqlite3";
  auto shared = std::make_shared<SqliteHistory>(path);
  // A second connection to the same file stands for the CLI writing while the server does.
  auto other = std::make_shared<SqliteHistory>(path);
  constexpr int kWriters = 6;
  constexpr std::uint32_t kTurnsEach = 40;
  std::atomic<bool> writing{true};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    while (writing) {
      for (const auto& summary : other->list_sessions(100, 0)) {
        const auto stored = other->get_session(summary.id);
        // Turns are read in one transaction with their session: never a torn view.
        if (stored) {
          for (std::size_t i = 0; i < stored->turns.size(); ++i) {
            if (stored->turns[i].user_text.empty()) {
              ADD_FAILURE() << "empty turn read";
            }
          }
        }
      }
      ++reads;
    }
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      SqliteHistory& target = w % 2 == 0 ? *shared : *other;
      const std::string id = "writer-" + std::to_string(w);
      target.record_session(test_data::session(id, w));
      for (std::uint32_t n = 1; n <= kTurnsEach; ++n) {
        target.record_turn(test_data::turn(id, n, n));
        // Everyone also writes into one common session.
        target.record_turn(test_data::turn("common", static_cast<std::uint32_t>(w) * 1000 + n, n));
      }
      target.end_session(id, 100);
    });
  }
  for (auto& writer : writers) {
    writer.join();
  }
  writing = false;
  reader.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(shared->count_sessions(), static_cast<std::size_t>(kWriters) + 1);
  for (int w = 0; w < kWriters; ++w) {
    const auto stored = shared->get_session("writer-" + std::to_string(w));
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->turns.size(), kTurnsEach);
    EXPECT_EQ(stored->ended_at_ms, 100);
  }
  EXPECT_EQ(shared->get_session("common")->turns.size(), kWriters * kTurnsEach);
}

// The child records turns and reports each one after record_turn() returns; the parent kills it with
// SIGKILL mid-stream. Every reported turn must be in the file when it is opened again.
TEST(SqliteHistory, EveryRecordedTurnSurvivesKillDashNine) {
  test::TempDir dir;
  const auto path = dir / "history.sqlite3";
  int report[2];
  ASSERT_EQ(pipe(report), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(report[0]);
    try {
      SqliteHistory history(path);
      history.record_session(test_data::session("crash", 1));
      for (std::uint32_t n = 1;; ++n) {
        history.record_turn(test_data::turn("crash", n, n));
        if (write(report[1], &n, sizeof n) != static_cast<ssize_t>(sizeof n)) {
          _exit(3);
        }
      }
    } catch (...) {
      _exit(2);
    }
  }
  close(report[1]);
  std::uint32_t last_reported = 0;
  std::uint32_t n = 0;
  while (last_reported < 50 && read(report[0], &n, sizeof n) == static_cast<ssize_t>(sizeof n)) {
    last_reported = n;
  }
  ASSERT_EQ(kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  // Reports the child wrote before it died are complete turns too.
  while (read(report[0], &n, sizeof n) == static_cast<ssize_t>(sizeof n)) {
    last_reported = n;
  }
  close(report[0]);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child exited on its own with " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  ASSERT_GE(last_reported, 50U);
  // The child never closed the file: its commits are in the write-ahead log, which opening recovers.
  EXPECT_TRUE(std::filesystem::exists(path.string() + "-wal"));

  SqliteHistory history(path);
  const auto stored = history.get_session("crash");
  ASSERT_TRUE(stored.has_value());
  ASSERT_GE(stored->turns.size(), last_reported);
  for (std::uint32_t turn = 1; turn <= last_reported; ++turn) {
    ASSERT_EQ(stored->turns[turn - 1].turn, turn);
    expect_same_turn(stored->turns[turn - 1], test_data::turn("crash", turn, turn));
  }
}

TEST(SqliteHistory, ADamagedFileGivesAClearErrorNotACrash) {
  test::TempDir dir;
  const auto path = dir / "history.sqlite3";
  {
    std::ofstream garbage(path, std::ios::binary);
    for (int i = 0; i < 512; ++i) {
      garbage << "this is not a database file ";
    }
  }
  try {
    SqliteHistory history(path);
    FAIL() << "opened a damaged file";
  } catch (const Error& e) {
    EXPECT_THAT(error_text(e), AllOf(HasSubstr(path.string()), HasSubstr("damaged"), HasSubstr("move it away"),
                                     HasSubstr("a new, empty one is created")));
  }
}

TEST(SqliteHistory, DamagedPagesInsideAValidFileGiveAClearError) {
  test::TempDir dir;
  const auto path = dir / "history.sqlite3";
  {
    SqliteHistory history(path);
    for (std::uint32_t n = 1; n <= 300; ++n) {
      history.record_turn(test_data::turn("s", n, n));
    }
  }
  {
    // Fold the log into the main file, then overwrite everything after the first page (the header).
    sqlite::Database db(path, 1000);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  const auto size_bytes = std::filesystem::file_size(path);
  ASSERT_GT(size_bytes, 8192U);
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(4096);
    for (std::uintmax_t i = 4096; i < size_bytes; ++i) {
      file.put(static_cast<char>(0xA5));
    }
  }
  try {
    SqliteHistory history(path);
    (void)history.get_session("s");
    (void)history.list_sessions(10, 0);
    FAIL() << "read a damaged file without noticing";
  } catch (const Error& e) {
    EXPECT_THAT(error_text(e), AllOf(HasSubstr(path.string()), HasSubstr("damaged"), HasSubstr("move it away")));
  }
}

TEST(SqliteHistory, AnUnusableFolderGivesAClearError) {
  test::TempDir dir;
  {
    std::ofstream file(dir / "a-file");
    file << "x";
  }
  // The data dir's parent is a regular file: the folder cannot be made (for any user, root included).
  try {
    SqliteHistory history(history_database_path(dir / "a-file" / "data"));
    FAIL() << "opened a database under a regular file";
  } catch (const Error& e) {
    EXPECT_THAT(error_text(e),
                AllOf(HasSubstr("cannot create the folder"), HasSubstr("a-file"), HasSubstr("--data-dir")));
  }
  // The database path itself is a folder.
  std::filesystem::create_directories(dir / "data" / "history.sqlite3");
  try {
    SqliteHistory history(history_database_path(dir / "data"));
    FAIL() << "opened a folder as a database";
  } catch (const Error& e) {
    EXPECT_THAT(error_text(e), AllOf(HasSubstr("cannot open the history database"), HasSubstr("--data-dir")));
  }
}

TEST(SqliteHistory, AFolderWithoutWritePermissionGivesAClearError) {
  if (geteuid() == 0) {
    GTEST_SKIP() << "root writes to read-only folders; the regular-file case above covers root";
  }
  test::TempDir dir;
  std::filesystem::create_directories(dir / "locked");
  std::filesystem::permissions(dir / "locked", std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  try {
    SqliteHistory history(dir / "locked" / "history.sqlite3");
    FAIL() << "created a database in a read-only folder";
  } catch (const Error& e) {
    EXPECT_THAT(error_text(e), AllOf(HasSubstr("locked"), HasSubstr("writable")));
  }
  std::filesystem::permissions(dir / "locked", std::filesystem::perms::owner_all);
}

TEST(SqliteHistory, AFileFromANewerVersionIsRefusedWithAFix) {
  test::TempDir dir;
  const auto path = dir / "history.sqlite3";
  {
    sqlite::Database db(path, 1000);
    db.exec("PRAGMA user_version = 99");
  }
  try {
    SqliteHistory history(path);
    FAIL() << "opened a newer file";
  } catch (const Error& e) {
    EXPECT_THAT(error_text(e), AllOf(HasSubstr("schema version 99"), HasSubstr("upgrade LocalVoice")));
  }
}

TEST(MakeTitle, CollapsesWhitespaceAndShortensAtACharacterBoundary) {
  EXPECT_EQ(make_title("  hello \n\t world  "), "hello world");
  EXPECT_EQ(make_title(""), "");
  EXPECT_EQ(make_title(std::string(100, 'a'), 10), "aaaaaaaaaa…");
  EXPECT_EQ(make_title("what is the weather like tomorrow", 12), "what is the…");
  // Ten three-byte characters cut after four: never in the middle of one.
  std::string japanese;
  for (int i = 0; i < 10; ++i) {
    japanese += "天";
  }
  EXPECT_EQ(make_title(japanese, 4), "天天天天…");
}

}  // namespace
}  // namespace lv::history
