// The knowledge base on disk: documents, chunks and embeddings in one SQLite file (WAL mode).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/sqlite_database.h"

namespace lv::kb {

struct StoredDocument {
  std::int64_t id = 0;
  std::string path;          // relative to the knowledge folder, '/'-separated
  std::string content_hash;  // SHA-256 of the file's bytes
  std::int64_t mtime_ns = 0;
  std::int64_t size_bytes = 0;
  std::string format;  // "text", "markdown", "html", "pdf"
  int chunk_count = 0;
};

struct StoredChunk {
  std::int64_t id = 0;
  std::int64_t document_id = 0;
  int ordinal = 0;
  std::string heading;
  std::string text;
  std::int64_t char_begin = 0;
  std::int64_t char_end = 0;
};

struct ChunkEmbedding {
  std::int64_t chunk_id = 0;
  std::vector<float> vector;
};

// Not thread-safe (one connection): the knowledge base serializes access.
class KbStore {
 public:
  // Opens or creates the database (and its folder). Throws lv::Error when it cannot be opened or is not a
  // LocalVoice knowledge database.
  explicit KbStore(const std::filesystem::path& db_path);
  ~KbStore();
  KbStore(const KbStore&) = delete;
  KbStore& operator=(const KbStore&) = delete;

  std::vector<StoredDocument> documents();
  std::optional<StoredDocument> document(std::int64_t id);
  std::vector<StoredChunk> chunks();
  std::vector<StoredChunk> chunks_of(std::int64_t document_id);

  // Replaces the document at `document.path` (inserting it when new) and all its chunks, in one transaction.
  // Fills in the ids of `document` and `chunks`. `embeddings`, when not empty, holds one vector per chunk.
  void replace_document(StoredDocument& document, std::vector<StoredChunk>& chunks,
                        const std::vector<std::vector<float>>& embeddings, const std::string& model);
  // Records a new modification time for a document whose content did not change.
  void touch_document(std::int64_t id, std::int64_t mtime_ns);
  void remove_document(std::int64_t id);

  // Stored vectors made by `model`.
  std::vector<ChunkEmbedding> embeddings(const std::string& model);
  // Chunks with no vector from `model` (never embedded, or embedded by another model).
  std::vector<StoredChunk> chunks_without_embedding(const std::string& model);
  void put_embeddings(const std::vector<ChunkEmbedding>& embeddings, const std::string& model);
  // Drops vectors of models other than `model`: they can never be searched against this model's.
  void drop_embeddings_except(const std::string& model);

  const std::filesystem::path& path() const { return db_.path(); }

 private:
  sqlite::Database db_;
};

using KbStorePtr = std::unique_ptr<KbStore>;

}  // namespace lv::kb
