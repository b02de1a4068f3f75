#include "kb/kb_store.h"

#include <sqlite3.h>

#include <cstring>
#include <string_view>
#include <system_error>

#include "util/error.h"

namespace lv::kb {
namespace {

namespace fs = std::filesystem;

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  content_hash TEXT NOT NULL,
  mtime_ns INTEGER NOT NULL,
  size_bytes INTEGER NOT NULL,
  format TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  heading TEXT NOT NULL,
  text TEXT NOT NULL,
  char_begin INTEGER NOT NULL,
  char_end INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_by_document ON chunks(document_id, ordinal);
CREATE TABLE IF NOT EXISTS embeddings (
  chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
  model TEXT NOT NULL,
  dimensions INTEGER NOT NULL,
  vector BLOB NOT NULL
);
)sql";

struct StatementDeleter {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};

// One prepared statement: bind, step, read columns; errors become lv::Error naming the database.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) fail("prepare");
    statement_.reset(raw);
  }
  Statement& bind(int index, std::int64_t value) {
    check(sqlite3_bind_int64(statement_.get(), index, value));
    return *this;
  }
  Statement& bind(int index, std::string_view value) {
    check(sqlite3_bind_text(statement_.get(), index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind_blob(int index, const void* data, std::size_t size) {
    check(sqlite3_bind_blob(statement_.get(), index, data, static_cast<int>(size), SQLITE_TRANSIENT));
    return *this;
  }
  // True while a row is available.
  bool step() {
    const int status = sqlite3_step(statement_.get());
    if (status == SQLITE_ROW) return true;
    if (status == SQLITE_DONE) return false;
    fail("step");
  }
  void run() {
    step();
    sqlite3_reset(statement_.get());
  }
  void reset() {
    sqlite3_reset(statement_.get());
    sqlite3_clear_bindings(statement_.get());
  }
  std::int64_t integer(int column) const { return sqlite3_column_int64(statement_.get(), column); }
  std::string text(int column) const {
    const auto* data = sqlite3_column_text(statement_.get(), column);
    const int size = sqlite3_column_bytes(statement_.get(), column);
    return data == nullptr ? std::string()
                           : std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size));
  }
  std::vector<float> floats(int column) const {
    const void* data = sqlite3_column_blob(statement_.get(), column);
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement_.get(), column));
    std::vector<float> out(size / sizeof(float));
    if (data != nullptr && !out.empty()) std::memcpy(out.data(), data, out.size() * sizeof(float));
    return out;
  }

 private:
  void check(int status) const {
    if (status != SQLITE_OK) fail("bind");
  }
  [[noreturn]] void fail(const char* what) const {
    throw Error(std::string("knowledge database ") + what + " failed: " + sqlite3_errmsg(db_),
                "check the disk; if the file is damaged, delete it and run `localvoice kb rebuild`");
  }
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, StatementDeleter> statement_;
};

StoredChunk read_chunk(const Statement& row) {
  StoredChunk chunk;
  chunk.id = row.integer(0);
  chunk.document_id = row.integer(1);
  chunk.ordinal = static_cast<int>(row.integer(2));
  chunk.heading = row.text(3);
  chunk.text = row.text(4);
  chunk.char_begin = row.integer(5);
  chunk.char_end = row.integer(6);
  return chunk;
}

constexpr const char* kChunkColumns =
    "SELECT id, document_id, ordinal, heading, text, char_begin, char_end FROM chunks ";

// Groups statements into one transaction; rolls back unless committed (an exception leaves the database as it was).
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) { exec("BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (!committed_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    exec("COMMIT");
    committed_ = true;
  }

 private:
  void exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      throw Error(std::string("knowledge database transaction failed: ") + sqlite3_errmsg(db_),
                  "check that no other program holds the database and that the disk is not full");
    }
  }
  sqlite3* db_;
  bool committed_ = false;
};

}  // namespace

void KbStore::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

KbStore::KbStore(const fs::path& db_path) : path_(db_path) {
  std::error_code error;
  if (db_path.has_parent_path()) fs::create_directories(db_path.parent_path(), error);
  sqlite3* raw = nullptr;
  const int status =
      sqlite3_open_v2(db_path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  db_.reset(raw);
  if (status != SQLITE_OK) {
    throw Error("cannot open the knowledge database '" + db_path.string() +
                    "': " + (raw != nullptr ? sqlite3_errmsg(raw) : "out of memory"),
                "check that its folder exists and is writable (paths.data_dir)");
  }
  sqlite3_busy_timeout(db_.get(), 5000);
  try {
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
    exec("PRAGMA foreign_keys=ON");
    exec(kSchema);
  } catch (const Error& e) {
    throw Error("'" + db_path.string() + "' is not a usable knowledge database: " + e.what(),
                "move it away (LocalVoice rebuilds the index from the knowledge folder)");
  }
  Statement version(db_.get(), "SELECT value FROM meta WHERE key = 'schema_version'");
  if (version.step()) {
    if (version.text(0) != std::to_string(kSchemaVersion)) {
      throw Error("knowledge database '" + db_path.string() + "' has schema version " + version.text(0) +
                      ", this LocalVoice reads version " + std::to_string(kSchemaVersion),
                  "delete it; LocalVoice rebuilds the index from the knowledge folder");
    }
  } else {
    Statement(db_.get(), "INSERT INTO meta(key, value) VALUES ('schema_version', ?1)")
        .bind(1, std::to_string(kSchemaVersion))
        .run();
  }
}

KbStore::~KbStore() = default;

void KbStore::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string text = message != nullptr ? message : sqlite3_errmsg(db_.get());
    sqlite3_free(message);
    throw Error("knowledge database statement failed: " + text, "check the disk and the database file");
  }
}

std::vector<StoredDocument> KbStore::documents() {
  Statement query(db_.get(),
                  "SELECT d.id, d.path, d.content_hash, d.mtime_ns, d.size_bytes, d.format, "
                  "(SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id) FROM documents d ORDER BY d.path");
  std::vector<StoredDocument> out;
  while (query.step()) {
    out.push_back({query.integer(0), query.text(1), query.text(2), query.integer(3), query.integer(4), query.text(5),
                   static_cast<int>(query.integer(6))});
  }
  return out;
}

std::optional<StoredDocument> KbStore::document(std::int64_t id) {
  Statement query(db_.get(),
                  "SELECT d.id, d.path, d.content_hash, d.mtime_ns, d.size_bytes, d.format, "
                  "(SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id) FROM documents d WHERE d.id = ?1");
  query.bind(1, id);
  if (!query.step()) return std::nullopt;
  return StoredDocument{query.integer(0),
                        query.text(1),
                        query.text(2),
                        query.integer(3),
                        query.integer(4),
                        query.text(5),
                        static_cast<int>(query.integer(6))};
}

std::vector<StoredChunk> KbStore::chunks() {
  Statement query(db_.get(), (std::string(kChunkColumns) + "ORDER BY document_id, ordinal").c_str());
  std::vector<StoredChunk> out;
  while (query.step()) out.push_back(read_chunk(query));
  return out;
}

std::vector<StoredChunk> KbStore::chunks_of(std::int64_t document_id) {
  Statement query(db_.get(), (std::string(kChunkColumns) + "WHERE document_id = ?1 ORDER BY ordinal").c_str());
  query.bind(1, document_id);
  std::vector<StoredChunk> out;
  while (query.step()) out.push_back(read_chunk(query));
  return out;
}

void KbStore::replace_document(StoredDocument& document, std::vector<StoredChunk>& chunks,
                               const std::vector<std::vector<float>>& embeddings, const std::string& model) {
  Transaction transaction(db_.get());
  Statement upsert(
      db_.get(),
      "INSERT INTO documents(path, content_hash, mtime_ns, size_bytes, format) VALUES (?1, ?2, ?3, ?4, ?5) "
      "ON CONFLICT(path) DO UPDATE SET content_hash = excluded.content_hash, mtime_ns = excluded.mtime_ns, "
      "size_bytes = excluded.size_bytes, format = excluded.format RETURNING id");
  upsert.bind(1, document.path)
      .bind(2, document.content_hash)
      .bind(3, document.mtime_ns)
      .bind(4, document.size_bytes)
      .bind(5, document.format);
  if (!upsert.step()) {
    throw Error("knowledge database did not store '" + document.path + "'", "check the database file");
  }
  document.id = upsert.integer(0);
  upsert.reset();
  Statement(db_.get(), "DELETE FROM chunks WHERE document_id = ?1").bind(1, document.id).run();
  Statement insert(db_.get(),
                   "INSERT INTO chunks(document_id, ordinal, heading, text, char_begin, char_end) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  Statement insert_vector(db_.get(),
                          "INSERT INTO embeddings(chunk_id, model, dimensions, vector) VALUES (?1, ?2, ?3, ?4)");
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    StoredChunk& chunk = chunks[i];
    chunk.document_id = document.id;
    insert.bind(1, document.id)
        .bind(2, std::int64_t{chunk.ordinal})
        .bind(3, chunk.heading)
        .bind(4, chunk.text)
        .bind(5, chunk.char_begin)
        .bind(6, chunk.char_end);
    insert.run();
    chunk.id = sqlite3_last_insert_rowid(db_.get());
    if (i < embeddings.size()) {
      const auto& vector = embeddings[i];
      insert_vector.bind(1, chunk.id)
          .bind(2, model)
          .bind(3, static_cast<std::int64_t>(vector.size()))
          .bind_blob(4, vector.data(), vector.size() * sizeof(float));
      insert_vector.run();
    }
  }
  document.chunk_count = static_cast<int>(chunks.size());
  transaction.commit();
}

void KbStore::touch_document(std::int64_t id, std::int64_t mtime_ns) {
  Statement(db_.get(), "UPDATE documents SET mtime_ns = ?2 WHERE id = ?1").bind(1, id).bind(2, mtime_ns).run();
}

void KbStore::remove_document(std::int64_t id) {
  Statement(db_.get(), "DELETE FROM documents WHERE id = ?1").bind(1, id).run();
}

std::vector<ChunkEmbedding> KbStore::embeddings(const std::string& model) {
  Statement query(db_.get(), "SELECT chunk_id, vector FROM embeddings WHERE model = ?1 ORDER BY chunk_id");
  query.bind(1, model);
  std::vector<ChunkEmbedding> out;
  while (query.step()) out.push_back({query.integer(0), query.floats(1)});
  return out;
}

std::vector<StoredChunk> KbStore::chunks_without_embedding(const std::string& model) {
  Statement query(db_.get(),
                  (std::string(kChunkColumns) + "WHERE id NOT IN (SELECT chunk_id FROM embeddings WHERE model = ?1) "
                                                "ORDER BY document_id, ordinal")
                      .c_str());
  query.bind(1, model);
  std::vector<StoredChunk> out;
  while (query.step()) out.push_back(read_chunk(query));
  return out;
}

void KbStore::put_embeddings(const std::vector<ChunkEmbedding>& embeddings, const std::string& model) {
  Transaction transaction(db_.get());
  Statement insert(db_.get(),
                   "INSERT OR REPLACE INTO embeddings(chunk_id, model, dimensions, vector) "
                   "SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM chunks WHERE id = ?1)");
  for (const auto& embedding : embeddings) {
    insert.bind(1, embedding.chunk_id)
        .bind(2, model)
        .bind(3, static_cast<std::int64_t>(embedding.vector.size()))
        .bind_blob(4, embedding.vector.data(), embedding.vector.size() * sizeof(float));
    insert.run();
  }
  transaction.commit();
}

void KbStore::drop_embeddings_except(const std::string& model) {
  Statement(db_.get(), "DELETE FROM embeddings WHERE model <> ?1").bind(1, model).run();
}

}  // namespace lv::kb
