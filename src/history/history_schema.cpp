#include "history/history_schema.h"

#include <array>
#include <string>

#include "util/error.h"
#include "util/sqlite_database.h"
#include "util/sqlite_transaction.h"

namespace lv::history {
namespace {

// Timings are NULL when a stage did not run (the recorder's -1). Engine names sit on every turn as well as
// on the session because a session may switch engines between turns.
constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE sessions (
  id TEXT PRIMARY KEY NOT NULL,
  started_at_ms INTEGER NOT NULL,
  ended_at_ms INTEGER,
  stt_engine TEXT NOT NULL DEFAULT '',
  llm_engine TEXT NOT NULL DEFAULT '',
  tts_engine TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_by_start ON sessions (started_at_ms);
CREATE TABLE turns (
  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  turn INTEGER NOT NULL,
  started_at_ms INTEGER NOT NULL,
  user_text TEXT NOT NULL,
  assistant_text TEXT NOT NULL,
  interrupted INTEGER NOT NULL,
  status TEXT NOT NULL,
  stt_ms REAL,
  retrieval_ms REAL,
  llm_first_token_ms REAL,
  tts_first_audio_ms REAL,
  end_to_end_ms REAL,
  first_sentence_ms REAL,
  user_audio_ms REAL NOT NULL,
  reply_audio_ms REAL NOT NULL,
  prompt_tokens INTEGER NOT NULL,
  completion_tokens INTEGER NOT NULL,
  stt_engine TEXT NOT NULL,
  llm_engine TEXT NOT NULL,
  tts_engine TEXT NOT NULL,
  PRIMARY KEY (session_id, turn)
);
)sql";

constexpr std::array kMigrations{Migration{1, kVersion1}};

}  // namespace

std::span<const Migration> history_migrations() { return kMigrations; }

int current_schema_version() { return kMigrations.back().version; }

void migrate(sqlite::Database& db, std::span<const Migration> migrations) {
  const int target = migrations.empty() ? 0 : migrations.back().version;
  // Most opens find the file up to date; checking first avoids taking the write lock for nothing.
  if (db.query_int("PRAGMA user_version") == target) {
    return;
  }
  sqlite::Transaction transaction(db);
  // Read again under the lock: another process may have upgraded the file meanwhile.
  const auto version = db.query_int("PRAGMA user_version");
  if (version > target) {
    throw Error("the history database '" + db.path().string() + "' has schema version " + std::to_string(version) +
                    ", newer than this LocalVoice understands (" + std::to_string(target) + ")",
                "upgrade LocalVoice, or move the file away to start a new, empty history");
  }
  for (const auto& step : migrations) {
    if (step.version > version) {
      db.exec(step.sql);
    }
  }
  db.exec("PRAGMA user_version = " + std::to_string(target));
  transaction.commit();
}

}  // namespace lv::history
