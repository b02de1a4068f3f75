// The knowledge base: a folder of the user's documents, indexed for lexical (BM25) and dense search.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "embed/embedding_engine.h"
#include "kb/chunker.h"
#include "kb/kb_store.h"

namespace lv::kb {

struct KnowledgeBaseOptions {
  std::filesystem::path kb_dir;          // the documents (created when missing)
  std::filesystem::path db_path;         // the index, e.g. <data_dir>/knowledge.sqlite3
  embed::EmbeddingEnginePtr embeddings;  // null: lexical search only
  ChunkOptions chunks;
  std::uint64_t max_file_bytes = std::uint64_t{50} << 20;  // larger files are skipped with a warning
  std::size_t embed_batch_size = 16;                       // chunks per embed() call
};

using Document = StoredDocument;

struct SearchResult {
  std::int64_t chunk_id = 0;
  std::int64_t document_id = 0;
  std::string source;    // the document's path relative to the knowledge folder
  std::string heading;   // heading trail, e.g. "Setup > Network"
  std::string text;      // the whole chunk
  std::string snippet;   // the part of the chunk that matches best, about 30 words
  double score = 0;      // relevance 0..1: the BM25 share of the best possible, or the cosine when higher
  int lexical_rank = 0;  // 1-based rank in the BM25 list, 0 when not in it
  int dense_rank = 0;    // 1-based rank in the embedding list, 0 when not in it (or no embeddings)
};

struct SyncReport {
  int added = 0;
  int updated = 0;
  int removed = 0;
  int unchanged = 0;
  int skipped = 0;   // unsupported, too large, binary, unreadable or damaged files
  int embedded = 0;  // chunks given a vector
};

// Called as files are indexed: `done` of `total` files, the one just finished (relative path). The last
// call has done == total. It runs on the indexing thread while indexing is under way, so it may search but
// must not call sync(), add_*() or remove() (they wait for the indexing it is part of).
using ProgressFn = std::function<void(std::size_t done, std::size_t total, const std::string& path)>;

class FolderWatcher;
class KnowledgeBase;
using KnowledgeBasePtr = std::shared_ptr<KnowledgeBase>;

// Thread-safe. Searches read a consistent state under a shared lock and never wait for indexing, which
// extracts, chunks and embeds outside the lock and only swaps the results in.
class KnowledgeBase {
 public:
  // Opens the index and rebuilds the in-memory search structures from it (no file is read and nothing is
  // embedded: call sync() to catch up with the folder). Throws lv::Error when the folder cannot be created
  // or the database cannot be opened.
  static KnowledgeBasePtr open(KnowledgeBaseOptions options);
  ~KnowledgeBase();
  KnowledgeBase(const KnowledgeBase&) = delete;
  KnowledgeBase& operator=(const KnowledgeBase&) = delete;

  // Scans the folder: indexes new and changed files (by size, mtime, then content hash), forgets deleted
  // ones, and embeds chunks that have no vector from the current model. Bad files are skipped with a
  // warning, never thrown.
  SyncReport sync(const ProgressFn& progress = {});
  // Forgets everything and indexes the folder again.
  SyncReport rebuild(const ProgressFn& progress = {});

  // Copies a file into the knowledge folder (same name, replacing one there) and indexes it. Throws
  // lv::Error when it is unsupported, too large, binary or damaged (nothing is copied then).
  Document add_file(const std::filesystem::path& path);
  // Stores bytes as `name` (a relative path such as "notes/todo.md") in the folder and indexes it. Throws
  // lv::Error for a name that would leave the folder (".."), is hidden or absolute, and for bad content.
  Document add_document(std::string_view name, std::string_view bytes);
  // Deletes the document's file and its index entries; false when no document has this id.
  bool remove(std::int64_t document_id);

  std::vector<Document> documents() const;
  // The best `k` chunks for `query` with score >= min_score, best first. With an embedding engine the BM25
  // and embedding rankings are fused (reciprocal rank fusion); if embedding the query fails the search
  // falls back to BM25 with a warning.
  std::vector<SearchResult> search(std::string_view query, std::size_t k, double min_score = 0) const;
  // How telling each search term is in this collection (BM25's IDF, `terms[i]`'s at [i]): a term few chunks
  // hold weighs more, and one no chunk holds the most.
  std::vector<double> term_weights(const std::vector<std::string>& terms) const;

  // Watches the folder (inotify, recursive) and syncs on changes, on a background thread. Call sync() after
  // it (or before, and once more after) to catch changes made before the watch was set up.
  void start_watching(ProgressFn progress = {});
  void stop_watching();

  bool hybrid() const;
  std::size_t chunk_count() const;
  const std::filesystem::path& kb_dir() const;

 private:
  struct State;
  explicit KnowledgeBase(KnowledgeBaseOptions options);

  std::unique_ptr<State> state_;
  std::unique_ptr<FolderWatcher> watcher_;  // last: stopped first
};

}  // namespace lv::kb
