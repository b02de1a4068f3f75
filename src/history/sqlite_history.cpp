#include "history/sqlite_history.h"

#include <limits>
#include <stdexcept>

#include "history/history_schema.h"
#include "util/log.h"
#include "util/sqlite_statement.h"
#include "util/sqlite_transaction.h"
#include "util/utf8.h"

namespace lv::history {

using sqlite::Database;
using sqlite::Statement;
using sqlite::Transaction;

namespace {

constexpr std::string_view kTurnColumns =
    "session_id, turn, started_at_ms, user_text, assistant_text, interrupted, status, stt_ms, retrieval_ms, "
    "llm_first_token_ms, tts_first_audio_ms, end_to_end_ms, first_sentence_ms, user_audio_ms, reply_audio_ms, "
    "prompt_tokens, completion_tokens, stt_engine, llm_engine, tts_engine";

// The session's first non-empty user text, and its turn count, for list rows and titles.
constexpr std::string_view kSessionColumns =
    "s.id, s.started_at_ms, s.ended_at_ms, s.stt_engine, s.llm_engine, s.tts_engine, "
    "(SELECT COUNT(*) FROM turns t WHERE t.session_id = s.id), "
    "(SELECT t.user_text FROM turns t WHERE t.session_id = s.id AND trim(t.user_text) <> '' ORDER BY t.turn LIMIT 1)";

std::string sql(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (const auto part : parts) {
    out += part;
  }
  return out;
}

// The recorder's "did not run" (-1, or any negative) is stored as NULL.
void bind_timing(Statement& statement, int index, double value_ms) {
  if (value_ms < 0) {
    statement.bind_null(index);
  } else {
    statement.bind(index, value_ms);
  }
}

double timing_column(const Statement& statement, int column) {
  return statement.is_null(column) ? -1.0 : statement.column_double(column);
}

std::int64_t clamp_count(std::size_t value) {
  return value > static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())
             ? std::numeric_limits<std::int64_t>::max()
             : static_cast<std::int64_t>(value);
}

void require_session_id(const std::string& id) {
  if (id.empty()) {
    throw std::invalid_argument("history: a session id must not be empty");
  }
}

// Reads columns of kSessionColumns.
SessionSummary read_summary(const Statement& statement) {
  SessionSummary summary;
  summary.id = statement.column_text(0);
  summary.started_at_ms = statement.column_int(1);
  if (!statement.is_null(2)) {
    summary.ended_at_ms = statement.column_int(2);
  }
  summary.turn_count = static_cast<std::size_t>(statement.column_int(6));
  summary.title = make_title(statement.column_text(7));
  return summary;
}

}  // namespace

struct SqliteHistory::Statements {
  explicit Statements(Database& db)
      : upsert_session(db,
                       "INSERT INTO sessions (id, started_at_ms, stt_engine, llm_engine, tts_engine) "
                       "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET "
                       "started_at_ms = excluded.started_at_ms, stt_engine = excluded.stt_engine, "
                       "llm_engine = excluded.llm_engine, tts_engine = excluded.tts_engine"),
        ensure_session(db,
                       "INSERT INTO sessions (id, started_at_ms, stt_engine, llm_engine, tts_engine) "
                       "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO NOTHING"),
        insert_turn(db, sql({"INSERT OR REPLACE INTO turns (", kTurnColumns,
                             ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
                             "?18, ?19, ?20)"})),
        end_session(db, "UPDATE sessions SET ended_at_ms = ?2 WHERE id = ?1"),
        list_sessions(db, sql({"SELECT ", kSessionColumns,
                               " FROM sessions s ORDER BY s.started_at_ms DESC, s.id DESC LIMIT ?1 OFFSET ?2"})),
        count_sessions(db, "SELECT COUNT(*) FROM sessions"),
        get_session(db, sql({"SELECT ", kSessionColumns, " FROM sessions s WHERE s.id = ?1"})),
        get_turns(db, sql({"SELECT ", kTurnColumns, " FROM turns WHERE session_id = ?1 ORDER BY turn"})),
        delete_session(db, "DELETE FROM sessions WHERE id = ?1") {}

  Statement upsert_session;
  Statement ensure_session;
  Statement insert_turn;
  Statement end_session;
  Statement list_sessions;
  Statement count_sessions;
  Statement get_session;
  Statement get_turns;
  Statement delete_session;
};

std::filesystem::path history_database_path(const std::filesystem::path& data_dir) {
  return data_dir / "history.sqlite3";
}

SqliteHistory::SqliteHistory(const std::filesystem::path& path, int busy_timeout_ms)
    : db_(path, busy_timeout_ms, "history database") {
  // WAL lets the CLI read while the server writes; it is a property of the file and stays set.
  const std::string journal_mode = db_.query_text("PRAGMA journal_mode = WAL");
  if (journal_mode != "wal") {
    log::warn("history database is not in WAL mode; readers may briefly block the server",
              {{"path", path.string()}, {"journal_mode", journal_mode}});
  }
  // FULL syncs the WAL on every commit: a recorded turn survives a power cut, not only a crash. A turn
  // is written every few seconds at most, so the fsync costs nothing noticeable.
  db_.exec("PRAGMA synchronous = FULL");
  db_.exec("PRAGMA foreign_keys = ON");
  migrate(db_, history_migrations());
  statements_ = std::make_unique<Statements>(db_);
  log::debug("history database opened",
             {{"path", path.string()}, {"schema_version", static_cast<std::int64_t>(current_schema_version())}});
}

SqliteHistory::~SqliteHistory() = default;

void SqliteHistory::record_session(const SessionRecord& session) {
  require_session_id(session.id);
  const std::lock_guard lock(mutex_);
  Statement& statement = statements_->upsert_session;
  const auto use = statement.use();
  statement.bind_all(session.id, session.started_at_ms, session.stt_engine, session.llm_engine, session.tts_engine);
  statement.run();
}

void SqliteHistory::record_turn(const TurnRecord& turn) {
  require_session_id(turn.session_id);
  const std::lock_guard lock(mutex_);
  Transaction transaction(db_);
  {
    Statement& statement = statements_->ensure_session;
    const auto use = statement.use();
    statement.bind_all(turn.session_id, turn.started_at_ms, turn.stt_engine, turn.llm_engine, turn.tts_engine);
    statement.run();
  }
  {
    Statement& statement = statements_->insert_turn;
    const auto use = statement.use();
    statement.bind(1, turn.session_id);
    statement.bind(2, static_cast<std::int64_t>(turn.turn));
    statement.bind(3, turn.started_at_ms);
    statement.bind(4, turn.user_text);
    statement.bind(5, turn.assistant_text);
    statement.bind(6, static_cast<std::int64_t>(turn.interrupted ? 1 : 0));
    statement.bind(7, turn.status);
    bind_timing(statement, 8, turn.stt_ms);
    bind_timing(statement, 9, turn.retrieval_ms);
    bind_timing(statement, 10, turn.llm_first_token_ms);
    bind_timing(statement, 11, turn.tts_first_audio_ms);
    bind_timing(statement, 12, turn.end_to_end_ms);
    bind_timing(statement, 13, turn.first_sentence_ms);
    statement.bind(14, turn.user_audio_ms);
    statement.bind(15, turn.reply_audio_ms);
    statement.bind(16, static_cast<std::int64_t>(turn.prompt_tokens));
    statement.bind(17, static_cast<std::int64_t>(turn.completion_tokens));
    statement.bind(18, turn.stt_engine);
    statement.bind(19, turn.llm_engine);
    statement.bind(20, turn.tts_engine);
    statement.run();
  }
  // With synchronous=FULL the commit returns after the WAL is on disk: this is what makes the turn durable.
  transaction.commit();
}

void SqliteHistory::end_session(const std::string& session_id, std::int64_t ended_at_ms) {
  const std::lock_guard lock(mutex_);
  Statement& statement = statements_->end_session;
  const auto use = statement.use();
  statement.bind(1, session_id);
  statement.bind(2, ended_at_ms);
  statement.run();
}

std::vector<SessionSummary> SqliteHistory::list_sessions(std::size_t limit, std::size_t offset) {
  const std::lock_guard lock(mutex_);
  Statement& statement = statements_->list_sessions;
  const auto use = statement.use();
  statement.bind(1, clamp_count(limit));
  statement.bind(2, clamp_count(offset));
  std::vector<SessionSummary> sessions;
  while (statement.step()) {
    sessions.push_back(read_summary(statement));
  }
  return sessions;
}

std::size_t SqliteHistory::count_sessions() {
  const std::lock_guard lock(mutex_);
  Statement& statement = statements_->count_sessions;
  const auto use = statement.use();
  return statement.step() ? static_cast<std::size_t>(statement.column_int(0)) : 0;
}

std::optional<StoredSession> SqliteHistory::get_session(const std::string& id) {
  const std::lock_guard lock(mutex_);
  // Both reads in one transaction, so a turn recorded in between cannot make them disagree.
  db_.exec("BEGIN");
  struct EndRead {
    Database& db;
    ~EndRead() {
      try {
        db.exec("COMMIT");
      } catch (...) {
        // A read-only transaction has nothing to lose; ending it cannot fail in a way that matters.
      }
    }
  } end_read{db_};
  StoredSession stored;
  {
    Statement& statement = statements_->get_session;
    const auto use = statement.use();
    statement.bind(1, id);
    if (!statement.step()) {
      return std::nullopt;
    }
    const SessionSummary summary = read_summary(statement);
    stored.session.id = summary.id;
    stored.session.started_at_ms = summary.started_at_ms;
    stored.session.stt_engine = statement.column_text(3);
    stored.session.llm_engine = statement.column_text(4);
    stored.session.tts_engine = statement.column_text(5);
    stored.ended_at_ms = summary.ended_at_ms;
    stored.title = summary.title;
  }
  Statement& statement = statements_->get_turns;
  const auto use = statement.use();
  statement.bind(1, id);
  while (statement.step()) {
    TurnRecord turn;
    turn.session_id = statement.column_text(0);
    turn.turn = static_cast<std::uint32_t>(statement.column_int(1));
    turn.started_at_ms = statement.column_int(2);
    turn.user_text = statement.column_text(3);
    turn.assistant_text = statement.column_text(4);
    turn.interrupted = statement.column_int(5) != 0;
    turn.status = statement.column_text(6);
    turn.stt_ms = timing_column(statement, 7);
    turn.retrieval_ms = timing_column(statement, 8);
    turn.llm_first_token_ms = timing_column(statement, 9);
    turn.tts_first_audio_ms = timing_column(statement, 10);
    turn.end_to_end_ms = timing_column(statement, 11);
    turn.first_sentence_ms = timing_column(statement, 12);
    turn.user_audio_ms = statement.column_double(13);
    turn.reply_audio_ms = statement.column_double(14);
    turn.prompt_tokens = static_cast<int>(statement.column_int(15));
    turn.completion_tokens = static_cast<int>(statement.column_int(16));
    turn.stt_engine = statement.column_text(17);
    turn.llm_engine = statement.column_text(18);
    turn.tts_engine = statement.column_text(19);
    stored.turns.push_back(std::move(turn));
  }
  return stored;
}

bool SqliteHistory::delete_session(const std::string& id) {
  const std::lock_guard lock(mutex_);
  Statement& statement = statements_->delete_session;
  const auto use = statement.use();
  statement.bind(1, id);
  // The turns go with it (ON DELETE CASCADE, foreign_keys=ON), in the same implicit transaction.
  statement.run();
  return db_.changes() > 0;
}

std::string make_title(const std::string& user_text, std::size_t max_chars) {
  std::string collapsed;
  bool pending_space = false;
  for (const char c : user_text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      pending_space = !collapsed.empty();
      continue;
    }
    if (pending_space) {
      collapsed += ' ';
      pending_space = false;
    }
    collapsed += c;
  }
  std::size_t chars = 0;
  for (std::size_t i = 0; i < collapsed.size(); ++i) {
    if (util::is_utf8_continuation(collapsed[i])) {
      continue;
    }
    if (chars == max_chars) {
      // Cut at a word boundary when one is near, so titles do not end mid-word.
      std::string cut = collapsed.substr(0, i);
      const auto space = cut.rfind(' ');
      if (space != std::string::npos && space + 20 > cut.size()) {
        cut.resize(space);
      }
      return cut + "…";
    }
    ++chars;
  }
  return collapsed;
}

}  // namespace lv::history
