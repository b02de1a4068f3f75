#include "kb/kb_store.h"

#include <cstring>
#include <string_view>
#include <system_error>

#include "util/error.h"
#include "util/sqlite_statement.h"
#include "util/sqlite_transaction.h"

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

using sqlite::Statement;
using sqlite::Transaction;

// Vectors are stored as the raw bytes of their floats.
std::vector<float> floats_of(std::string_view bytes) {
  std::vector<float> out(bytes.size() / sizeof(float));
  if (!out.empty()) std::memcpy(out.data(), bytes.data(), out.size() * sizeof(float));
  return out;
}

// Runs a one-parameter statement that returns no rows.
template <typename Value>
void run(sqlite::Database& db, std::string_view sql, const Value& value) {
  Statement statement(db, sql);
  statement.bind(1, value);
  statement.run();
}

StoredChunk read_chunk(const Statement& row) {
  StoredChunk chunk;
  chunk.id = row.column_int(0);
  chunk.document_id = row.column_int(1);
  chunk.ordinal = static_cast<int>(row.column_int(2));
  chunk.heading = row.column_text(3);
  chunk.text = row.column_text(4);
  chunk.char_begin = row.column_int(5);
  chunk.char_end = row.column_int(6);
  return chunk;
}

constexpr const char* kChunkColumns =
    "SELECT id, document_id, ordinal, heading, text, char_begin, char_end FROM chunks ";

}  // namespace

KbStore::KbStore(const fs::path& db_path) : db_(db_path, 5000, "knowledge database") {
  try {
    db_.exec("PRAGMA journal_mode=WAL");
    db_.exec("PRAGMA synchronous=NORMAL");
    db_.exec("PRAGMA foreign_keys=ON");
    db_.exec(kSchema);
  } catch (const Error& e) {
    throw Error("'" + db_path.string() + "' is not a usable knowledge database: " + e.what(),
                "move it away (LocalVoice rebuilds the index from the knowledge folder)");
  }
  Statement version(db_, "SELECT value FROM meta WHERE key = 'schema_version'");
  if (version.step()) {
    if (version.column_text(0) != std::to_string(kSchemaVersion)) {
      throw Error("knowledge database '" + db_path.string() + "' has schema version " + version.column_text(0) +
                      ", this LocalVoice reads version " + std::to_string(kSchemaVersion),
                  "delete it; LocalVoice rebuilds the index from the knowledge folder");
    }
  } else {
    Statement insert(db_, "INSERT INTO meta(key, value) VALUES ('schema_version', ?1)");
    insert.bind(1, std::to_string(kSchemaVersion));
    insert.run();
  }
}

KbStore::~KbStore() = default;

std::vector<StoredDocument> KbStore::documents() {
  Statement query(db_,
                  "SELECT d.id, d.path, d.content_hash, d.mtime_ns, d.size_bytes, d.format, "
                  "(SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id) FROM documents d ORDER BY d.path");
  std::vector<StoredDocument> out;
  while (query.step()) {
    out.push_back({query.column_int(0), query.column_text(1), query.column_text(2), query.column_int(3),
                   query.column_int(4), query.column_text(5), static_cast<int>(query.column_int(6))});
  }
  return out;
}

std::optional<StoredDocument> KbStore::document(std::int64_t id) {
  Statement query(db_,
                  "SELECT d.id, d.path, d.content_hash, d.mtime_ns, d.size_bytes, d.format, "
                  "(SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id) FROM documents d WHERE d.id = ?1");
  query.bind(1, id);
  if (!query.step()) return std::nullopt;
  return StoredDocument{query.column_int(0),
                        query.column_text(1),
                        query.column_text(2),
                        query.column_int(3),
                        query.column_int(4),
                        query.column_text(5),
                        static_cast<int>(query.column_int(6))};
}

std::vector<StoredChunk> KbStore::chunks() {
  Statement query(db_, (std::string(kChunkColumns) + "ORDER BY document_id, ordinal").c_str());
  std::vector<StoredChunk> out;
  while (query.step()) out.push_back(read_chunk(query));
  return out;
}

std::vector<StoredChunk> KbStore::chunks_of(std::int64_t document_id) {
  Statement query(db_, (std::string(kChunkColumns) + "WHERE document_id = ?1 ORDER BY ordinal").c_str());
  query.bind(1, document_id);
  std::vector<StoredChunk> out;
  while (query.step()) out.push_back(read_chunk(query));
  return out;
}

void KbStore::replace_document(StoredDocument& document, std::vector<StoredChunk>& chunks,
                               const std::vector<std::vector<float>>& embeddings, const std::string& model) {
  Transaction transaction(db_);
  Statement upsert(
      db_,
      "INSERT INTO documents(path, content_hash, mtime_ns, size_bytes, format) VALUES (?1, ?2, ?3, ?4, ?5) "
      "ON CONFLICT(path) DO UPDATE SET content_hash = excluded.content_hash, mtime_ns = excluded.mtime_ns, "
      "size_bytes = excluded.size_bytes, format = excluded.format RETURNING id");
  {
    const auto use = upsert.use();
    upsert.bind_all(document.path, document.content_hash, document.mtime_ns, document.size_bytes, document.format);
    if (!upsert.step()) {
      throw Error("knowledge database did not store '" + document.path + "'", "check the database file");
    }
    document.id = upsert.column_int(0);
  }
  run(db_, "DELETE FROM chunks WHERE document_id = ?1", document.id);
  Statement insert(db_,
                   "INSERT INTO chunks(document_id, ordinal, heading, text, char_begin, char_end) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  Statement insert_vector(db_, "INSERT INTO embeddings(chunk_id, model, dimensions, vector) VALUES (?1, ?2, ?3, ?4)");
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    StoredChunk& chunk = chunks[i];
    chunk.document_id = document.id;
    {
      const auto use = insert.use();
      insert.bind_all(document.id, std::int64_t{chunk.ordinal}, chunk.heading, chunk.text, chunk.char_begin,
                      chunk.char_end);
      insert.run();
    }
    chunk.id = db_.last_insert_rowid();
    if (i < embeddings.size()) {
      const auto& vector = embeddings[i];
      const auto use = insert_vector.use();
      insert_vector.bind_all(chunk.id, model, static_cast<std::int64_t>(vector.size()),
                             sqlite::Blob{vector.data(), vector.size() * sizeof(float)});
      insert_vector.run();
    }
  }
  document.chunk_count = static_cast<int>(chunks.size());
  transaction.commit();
}

void KbStore::touch_document(std::int64_t id, std::int64_t mtime_ns) {
  Statement update(db_, "UPDATE documents SET mtime_ns = ?2 WHERE id = ?1");
  update.bind(1, id);
  update.bind(2, mtime_ns);
  update.run();
}

void KbStore::remove_document(std::int64_t id) { run(db_, "DELETE FROM documents WHERE id = ?1", id); }

std::vector<ChunkEmbedding> KbStore::embeddings(const std::string& model) {
  Statement query(db_, "SELECT chunk_id, vector FROM embeddings WHERE model = ?1 ORDER BY chunk_id");
  query.bind(1, model);
  std::vector<ChunkEmbedding> out;
  while (query.step()) out.push_back({query.column_int(0), floats_of(query.column_blob(1))});
  return out;
}

std::vector<StoredChunk> KbStore::chunks_without_embedding(const std::string& model) {
  Statement query(db_,
                  (std::string(kChunkColumns) + "WHERE id NOT IN (SELECT chunk_id FROM embeddings WHERE model = ?1) "
                                                "ORDER BY document_id, ordinal")
                      .c_str());
  query.bind(1, model);
  std::vector<StoredChunk> out;
  while (query.step()) out.push_back(read_chunk(query));
  return out;
}

void KbStore::put_embeddings(const std::vector<ChunkEmbedding>& embeddings, const std::string& model) {
  Transaction transaction(db_);
  Statement insert(db_,
                   "INSERT OR REPLACE INTO embeddings(chunk_id, model, dimensions, vector) "
                   "SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM chunks WHERE id = ?1)");
  for (const auto& embedding : embeddings) {
    const auto use = insert.use();
    insert.bind_all(embedding.chunk_id, model, static_cast<std::int64_t>(embedding.vector.size()),
                    sqlite::Blob{embedding.vector.data(), embedding.vector.size() * sizeof(float)});
    insert.run();
  }
  transaction.commit();
}

void KbStore::drop_embeddings_except(const std::string& model) {
  run(db_, "DELETE FROM embeddings WHERE model <> ?1", model);
}

}  // namespace lv::kb
