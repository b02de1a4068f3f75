#include "kb/knowledge_base.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <shared_mutex>
#include <system_error>
#include <unordered_map>

#include "kb/bm25_index.h"
#include "kb/dense_index.h"
#include "kb/document_paths.h"
#include "kb/document_reader.h"
#include "kb/folder_watcher.h"
#include "kb/passage_text.h"
#include "kb/rank_fusion.h"
#include "kb/tokenizer.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::kb {
namespace {

namespace fs = std::filesystem;

// How many candidates each ranking contributes before fusion and filtering.
constexpr std::size_t kMinCandidates = 50;

struct FileInfo {
  fs::path absolute;
  std::string relative;  // '/'-separated
  std::int64_t size_bytes = 0;
  std::int64_t mtime_ns = 0;
};

struct ChunkEntry {
  std::int64_t document_id = 0;
  std::string heading;
  std::string text;
};

}  // namespace

struct KnowledgeBase::State {
  KnowledgeBaseOptions options;
  std::string model;  // the embedding model's name; empty without embeddings

  std::mutex sync_mutex;           // one indexing pass (sync, add, remove) at a time
  std::set<std::string> reported;  // problems already logged, so a watcher's rescans do not repeat them

  std::mutex store_mutex;
  KbStorePtr store;

  mutable std::shared_mutex mutex;  // guards everything below: searches share it, updates take it alone
  Bm25Index lexical;
  std::unordered_map<std::int64_t, ChunkEntry> chunks;
  std::unordered_map<std::int64_t, std::vector<std::int64_t>> chunk_ids;  // per document
  std::map<std::int64_t, Document> documents;
  std::unique_ptr<DenseIndex> dense;  // created with the first vector (its length fixes the dimensions)

  // Index updates, under `mutex` held exclusively.
  void forget_document_locked(std::int64_t id) {
    const auto ids = chunk_ids.find(id);
    if (ids != chunk_ids.end()) {
      for (const auto chunk_id : ids->second) {
        lexical.remove(chunk_id);
        chunks.erase(chunk_id);
        if (dense) dense->remove(chunk_id);
      }
      chunk_ids.erase(ids);
    }
    documents.erase(id);
  }

  void add_vector_locked(std::int64_t chunk_id, const std::vector<float>& vector) {
    if (vector.empty()) return;
    try {
      if (!dense) dense = std::make_unique<DenseIndex>(static_cast<int>(vector.size()));
      dense->add(chunk_id, vector);
    } catch (const Error& e) {
      // A zero or wrongly sized vector: the chunk stays findable by its words.
      log::warn("ignoring an unusable embedding", {{"chunk_id", chunk_id}, {"reason", e.full_message()}});
    }
  }

  void add_document_locked(const Document& document, const std::vector<StoredChunk>& stored,
                           const std::vector<std::vector<float>>& vectors) {
    forget_document_locked(document.id);
    documents[document.id] = document;
    auto& ids = chunk_ids[document.id];
    for (std::size_t i = 0; i < stored.size(); ++i) {
      const StoredChunk& chunk = stored[i];
      ids.push_back(chunk.id);
      lexical.add(chunk.id, tokenize(lexical_text(document.path, chunk.heading, chunk.text)));
      chunks[chunk.id] = {document.id, chunk.heading, chunk.text};
      if (i < vectors.size()) add_vector_locked(chunk.id, vectors[i]);
    }
  }

  // Embeds texts in batches; throws lv::Error when the engine fails or answers with the wrong count.
  std::vector<std::vector<float>> embed(const std::vector<std::string>& texts) const {
    std::vector<std::vector<float>> out;
    out.reserve(texts.size());
    const std::size_t batch = std::max<std::size_t>(1, options.embed_batch_size);
    for (std::size_t begin = 0; begin < texts.size(); begin += batch) {
      const std::vector<std::string> part(
          texts.begin() + static_cast<std::ptrdiff_t>(begin),
          texts.begin() + static_cast<std::ptrdiff_t>(std::min(texts.size(), begin + batch)));
      auto vectors = options.embeddings->embed(part);
      if (vectors.size() != part.size()) {
        throw Error("the embedding engine returned " + std::to_string(vectors.size()) + " vectors for " +
                        std::to_string(part.size()) + " texts",
                    "check the embedding engine (engines.embeddings)");
      }
      for (auto& vector : vectors) out.push_back(std::move(vector));
    }
    return out;
  }

  // Logs a problem with a file once per version of the file.
  void report_once(const std::string& key, const std::string& message, const std::string& path,
                   const std::string& reason) {
    if (reported.insert(key).second) {
      log::warn(message, {{"path", path}, {"reason", reason}});
    } else {
      log::debug(message, {{"path", path}, {"reason", reason}});
    }
  }

  std::optional<Document> known(const std::string& relative) const {
    const std::shared_lock lock(mutex);
    for (const auto& [id, document] : documents) {
      if (document.path == relative) return document;
    }
    return std::nullopt;
  }

  void remove_locked_sync(std::int64_t id) {
    {
      const std::lock_guard store_lock(store_mutex);
      store->remove_document(id);
    }
    const std::unique_lock lock(mutex);
    forget_document_locked(id);
  }

  // Indexes extracted content as `file`; returns true when the content changed (false: only touched).
  bool index_extracted(const FileInfo& file, const ExtractedDocument& extracted,
                       const std::optional<Document>& previous) {
    for (const auto& warning : extracted.warnings) {
      log::warn("knowledge document repaired", {{"path", file.relative}, {"problem", warning}});
    }
    if (previous && previous->content_hash == extracted.content_hash) {
      const std::lock_guard store_lock(store_mutex);
      store->touch_document(previous->id, file.mtime_ns);
      const std::unique_lock lock(mutex);
      documents[previous->id].mtime_ns = file.mtime_ns;
      return false;
    }
    const auto pieces = chunk_text(extracted.text, options.chunks);
    std::vector<StoredChunk> stored;
    stored.reserve(pieces.size());
    for (const auto& piece : pieces) {
      stored.push_back({0, 0, piece.ordinal, piece.heading, piece.text, static_cast<std::int64_t>(piece.char_begin),
                        static_cast<std::int64_t>(piece.char_end)});
    }
    std::vector<std::vector<float>> vectors;
    if (options.embeddings) {
      std::vector<std::string> texts;
      texts.reserve(stored.size());
      for (const auto& chunk : stored) texts.push_back(embedding_text(file.relative, chunk.heading, chunk.text));
      try {
        vectors = embed(texts);
      } catch (const Error& e) {
        // Lexical search still works; the next sync embeds what is missing.
        log::warn("cannot embed a knowledge document; it is searchable by words only for now",
                  {{"path", file.relative}, {"reason", e.full_message()}});
      }
    }
    Document document;
    document.path = file.relative;
    document.content_hash = extracted.content_hash;
    document.mtime_ns = file.mtime_ns;
    document.size_bytes = file.size_bytes;
    document.format = std::string(format_name(extracted.format));
    {
      const std::lock_guard store_lock(store_mutex);
      store->replace_document(document, stored, vectors, model);
    }
    const std::unique_lock lock(mutex);
    add_document_locked(document, stored, vectors);
    return true;
  }

  // Embeds stored chunks that have no vector from the current model (new model, or an earlier failure).
  int embed_backlog() {
    if (!options.embeddings) return 0;
    std::vector<StoredChunk> missing;
    std::map<std::int64_t, std::string> paths;
    {
      const std::lock_guard store_lock(store_mutex);
      missing = store->chunks_without_embedding(model);
    }
    if (missing.empty()) return 0;
    {
      const std::shared_lock lock(mutex);
      for (const auto& [id, document] : documents) paths[id] = document.path;
    }
    std::vector<std::string> texts;
    texts.reserve(missing.size());
    for (const auto& chunk : missing)
      texts.push_back(embedding_text(paths[chunk.document_id], chunk.heading, chunk.text));
    std::vector<std::vector<float>> vectors;
    try {
      vectors = embed(texts);
    } catch (const Error& e) {
      log::warn("cannot embed knowledge chunks; search uses words only for them",
                {{"chunks", static_cast<std::int64_t>(missing.size())}, {"reason", e.full_message()}});
      return 0;
    }
    std::vector<ChunkEmbedding> embeddings;
    embeddings.reserve(missing.size());
    for (std::size_t i = 0; i < missing.size(); ++i) embeddings.push_back({missing[i].id, std::move(vectors[i])});
    {
      const std::lock_guard store_lock(store_mutex);
      store->put_embeddings(embeddings, model);
    }
    const std::unique_lock lock(mutex);
    for (const auto& embedding : embeddings) {
      if (chunks.count(embedding.chunk_id) != 0) add_vector_locked(embedding.chunk_id, embedding.vector);
    }
    return static_cast<int>(embeddings.size());
  }

  std::vector<FileInfo> scan() {
    std::vector<FileInfo> files;
    const fs::path& root = options.kb_dir;
    std::error_code error;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, error);
    if (error) {
      throw Error("cannot read the knowledge folder '" + root.string() + "': " + error.message(),
                  "check that it exists and that you may read it (paths.kb_dir)");
    }
    for (const fs::recursive_directory_iterator end; it != end; it.increment(error)) {
      if (error) {
        log::warn("cannot read part of the knowledge folder", {{"path", root.string()}, {"reason", error.message()}});
        error.clear();
        continue;
      }
      const fs::path relative = it->path().lexically_relative(root);
      std::error_code type_error;
      if (is_hidden_path(relative)) {
        if (it->is_directory(type_error)) it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file(type_error)) continue;
      const std::string name = relative.generic_string();
      if (!format_for_path(relative)) {
        if (reported.insert("type:" + name).second) {
          log::info("skipping a file of unsupported type in the knowledge folder",
                    {{"path", name}, {"fix", "use .txt, .md, .html or .pdf"}});
        }
        continue;
      }
      const auto size = it->file_size(type_error);
      files.push_back({it->path(), name, type_error ? 0 : static_cast<std::int64_t>(size), file_mtime_ns(it->path())});
    }
    std::sort(files.begin(), files.end(), [](const FileInfo& a, const FileInfo& b) { return a.relative < b.relative; });
    return files;
  }

  SyncReport sync(const ProgressFn& progress) {
    const std::lock_guard sync_lock(sync_mutex);
    SyncReport report;
    const auto files = scan();
    std::map<std::string, Document> by_path;
    {
      const std::shared_lock lock(mutex);
      for (const auto& [id, document] : documents) by_path[document.path] = document;
    }
    std::set<std::string> present;
    for (const auto& file : files) present.insert(file.relative);
    for (const auto& [path, document] : by_path) {
      if (present.count(path) == 0) {
        remove_locked_sync(document.id);
        log::info("knowledge document removed", {{"path", path}});
        ++report.removed;
      }
    }
    std::vector<const FileInfo*> changed;
    for (const auto& file : files) {
      const auto it = by_path.find(file.relative);
      if (it != by_path.end() && it->second.size_bytes == file.size_bytes && it->second.mtime_ns == file.mtime_ns) {
        ++report.unchanged;
      } else {
        changed.push_back(&file);
      }
    }
    std::size_t done = 0;
    for (const FileInfo* file : changed) {
      const auto it = by_path.find(file->relative);
      const std::optional<Document> previous = it == by_path.end() ? std::nullopt : std::optional<Document>(it->second);
      try {
        const ExtractedDocument extracted = read_document(file->absolute, options.max_file_bytes);
        if (index_extracted(*file, extracted, previous)) {
          ++(previous ? report.updated : report.added);
          log::info(previous ? "knowledge document updated" : "knowledge document added", {{"path", file->relative}});
        } else {
          ++report.unchanged;
        }
      } catch (const Error& e) {
        ++report.skipped;
        report_once(file->relative + ":" + std::to_string(file->size_bytes) + ":" + std::to_string(file->mtime_ns),
                    "skipping a knowledge document", file->relative, e.full_message());
        // What was indexed from an older version no longer matches the file.
        if (previous) remove_locked_sync(previous->id);
      }
      ++done;
      if (progress) progress(done, changed.size(), file->relative);
    }
    report.embedded = embed_backlog();
    return report;
  }
};

KnowledgeBase::KnowledgeBase(KnowledgeBaseOptions options) : state_(std::make_unique<State>()) {
  state_->options = std::move(options);
}

KnowledgeBase::~KnowledgeBase() { stop_watching(); }

KnowledgeBasePtr KnowledgeBase::open(KnowledgeBaseOptions options) {
  check_chunk_options(options.chunks);
  std::error_code error;
  fs::create_directories(options.kb_dir, error);
  if (!fs::is_directory(options.kb_dir, error)) {
    throw Error("cannot create the knowledge folder '" + options.kb_dir.string() + "'",
                "check the path and its permissions (paths.kb_dir, --kb-dir)");
  }
  KnowledgeBasePtr kb(new KnowledgeBase(std::move(options)));
  State& state = *kb->state_;
  state.store = std::make_unique<KbStore>(state.options.db_path);
  if (state.options.embeddings) {
    state.model = state.options.embeddings->model_name();
    // Vectors of another model cannot be compared with this one's: they are re-made by the next sync.
    state.store->drop_embeddings_except(state.model);
  }
  const auto started = util::SteadyClock::now();
  const auto documents = state.store->documents();
  const auto chunks = state.store->chunks();
  std::unordered_map<std::int64_t, std::vector<StoredChunk>> by_document;
  for (const auto& chunk : chunks) by_document[chunk.document_id].push_back(chunk);
  std::unordered_map<std::int64_t, std::vector<float>> vectors;
  if (!state.model.empty()) {
    for (auto& embedding : state.store->embeddings(state.model))
      vectors[embedding.chunk_id] = std::move(embedding.vector);
  }
  {
    const std::unique_lock lock(state.mutex);
    for (const auto& document : documents) state.add_document_locked(document, by_document[document.id], {});
    // One batch load: much faster than adding tens of thousands of vectors one by one.
    std::vector<std::int64_t> ids;
    std::vector<float> flat;
    const std::size_t dimensions = vectors.empty() ? 0 : vectors.begin()->second.size();
    for (const auto& [chunk_id, vector] : vectors) {
      if (vector.size() != dimensions || dimensions == 0) continue;
      ids.push_back(chunk_id);
      flat.insert(flat.end(), vector.begin(), vector.end());
    }
    if (!ids.empty()) {
      try {
        state.dense = std::make_unique<DenseIndex>(static_cast<int>(dimensions));
        state.dense->rebuild(ids, flat);
      } catch (const Error& e) {
        log::warn("stored embeddings are unusable; they are made again", {{"reason", e.full_message()}});
        state.dense.reset();
        state.store->drop_embeddings_except("");
      }
    }
  }
  const double elapsed_ms = util::ms_since(started);
  log::info("knowledge base opened", {{"documents", static_cast<std::int64_t>(documents.size())},
                                      {"chunks", static_cast<std::int64_t>(chunks.size())},
                                      {"vectors", static_cast<std::int64_t>(vectors.size())},
                                      {"open_ms", static_cast<std::int64_t>(elapsed_ms)}});
  return kb;
}

SyncReport KnowledgeBase::sync(const ProgressFn& progress) { return state_->sync(progress); }

SyncReport KnowledgeBase::rebuild(const ProgressFn& progress) {
  {
    const std::lock_guard sync_lock(state_->sync_mutex);
    for (const auto& document : documents()) state_->remove_locked_sync(document.id);
    state_->reported.clear();
  }
  return sync(progress);
}

Document KnowledgeBase::add_document(std::string_view name, std::string_view bytes) {
  State& state = *state_;
  const fs::path relative = safe_document_name(name);
  if (bytes.size() > state.options.max_file_bytes) {
    throw Error("'" + relative.generic_string() + "' is " + std::to_string(bytes.size()) +
                    " bytes, over the limit of " + std::to_string(state.options.max_file_bytes),
                "split it into smaller files, or raise kb.max_file_bytes");
  }
  const ExtractedDocument extracted = extract_document(relative, bytes);  // refuse bad content before writing
  const std::lock_guard sync_lock(state.sync_mutex);
  const fs::path target = state.options.kb_dir / relative;
  std::error_code error;
  fs::create_directories(target.parent_path(), error);
  // Written under a hidden name and renamed, so the watcher never indexes a half-written file.
  std::random_device random;
  const fs::path temporary =
      target.parent_path() / ("." + target.filename().string() + ".part" + std::to_string(random()));
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      fs::remove(temporary, error);
      throw Error("cannot write '" + target.string() + "'",
                  "check that the knowledge folder is writable and the disk has room");
    }
  }
  fs::rename(temporary, target, error);
  if (error) {
    fs::remove(temporary, error);
    throw Error("cannot store '" + target.string() + "': " + error.message(),
                "check the knowledge folder's permissions");
  }
  FileInfo file{target, relative.generic_string(), static_cast<std::int64_t>(bytes.size()), file_mtime_ns(target)};
  const auto previous = state.known(file.relative);
  state.index_extracted(file, extracted, previous);
  log::info(previous ? "knowledge document updated" : "knowledge document added", {{"path", file.relative}});
  const auto document = state.known(file.relative);
  if (!document) throw Error("'" + file.relative + "' was stored but not indexed", "run `localvoice kb rebuild`");
  return *document;
}

Document KnowledgeBase::add_file(const fs::path& path) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) {
    throw Error("'" + path.string() + "' is not a file", "give the path of a .txt, .md, .html or .pdf file");
  }
  const auto size = fs::file_size(path, error);
  if (!error && size > state_->options.max_file_bytes) {
    throw Error("'" + path.string() + "' is " + std::to_string(size >> 20) + " MiB, over the limit of " +
                    std::to_string(state_->options.max_file_bytes >> 20) + " MiB",
                "split it into smaller files, or raise kb.max_file_bytes");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read '" + path.string() + "'", "check its permissions");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return add_document(path.filename().string(), bytes);
}

bool KnowledgeBase::remove(std::int64_t document_id) {
  State& state = *state_;
  const std::lock_guard sync_lock(state.sync_mutex);
  std::optional<Document> document;
  {
    const std::shared_lock lock(state.mutex);
    const auto it = state.documents.find(document_id);
    if (it != state.documents.end()) document = it->second;
  }
  if (!document) return false;
  std::error_code error;
  fs::remove(state.options.kb_dir / document->path, error);
  if (error) {
    throw Error("cannot delete '" + document->path + "': " + error.message(),
                "check the knowledge folder's permissions");
  }
  state.remove_locked_sync(document_id);
  log::info("knowledge document deleted", {{"path", document->path}});
  return true;
}

std::vector<Document> KnowledgeBase::documents() const {
  const std::shared_lock lock(state_->mutex);
  std::vector<Document> out;
  out.reserve(state_->documents.size());
  for (const auto& [id, document] : state_->documents) {
    out.push_back(document);
    out.back().chunk_count = static_cast<int>(state_->chunk_ids.count(id) != 0 ? state_->chunk_ids.at(id).size() : 0);
  }
  std::sort(out.begin(), out.end(), [](const Document& a, const Document& b) { return a.path < b.path; });
  return out;
}

std::vector<SearchResult> KnowledgeBase::search(std::string_view query, std::size_t k, double min_score) const {
  const State& state = *state_;
  std::vector<SearchResult> results;
  if (k == 0) return results;
  const auto terms = tokenize(query);
  const std::size_t candidates = std::max(kMinCandidates, k * 4);
  std::vector<float> query_vector;
  if (state.options.embeddings && !terms.empty()) {
    try {
      auto vectors = state.options.embeddings->embed({std::string(query)});
      if (vectors.size() == 1) query_vector = std::move(vectors[0]);
    } catch (const Error& e) {
      log::warn("cannot embed the query; searching by words only", {{"reason", e.full_message()}});
    }
  }
  const std::shared_lock lock(state.mutex);
  const auto lexical = state.lexical.search(terms, candidates);
  std::unordered_map<std::int64_t, std::pair<int, double>> lexical_by_id;  // rank, normalized score
  for (std::size_t i = 0; i < lexical.size(); ++i) {
    lexical_by_id[lexical[i].id] = {static_cast<int>(i + 1), lexical[i].normalized};
  }
  std::vector<std::int64_t> order;
  std::unordered_map<std::int64_t, std::pair<int, double>> dense_by_id;  // rank, cosine
  std::vector<DenseHit> dense;
  if (!query_vector.empty() && state.dense && state.dense->size() > 0) {
    try {
      dense = state.dense->search(query_vector, candidates);
    } catch (const Error& e) {
      log::warn("cannot search by embedding; searching by words only", {{"reason", e.full_message()}});
    }
  }
  if (!dense.empty()) {
    std::vector<std::int64_t> lexical_ids;
    std::vector<std::int64_t> dense_ids;
    lexical_ids.reserve(lexical.size());
    dense_ids.reserve(dense.size());
    for (const auto& hit : lexical) lexical_ids.push_back(hit.id);
    for (std::size_t i = 0; i < dense.size(); ++i) {
      dense_ids.push_back(dense[i].id);
      dense_by_id[dense[i].id] = {static_cast<int>(i + 1), static_cast<double>(dense[i].score)};
    }
    for (const auto& fused : fuse_rankings({lexical_ids, dense_ids})) order.push_back(fused.id);
  }
  if (order.empty()) {
    for (const auto& hit : lexical) order.push_back(hit.id);
  }
  for (const auto id : order) {
    const auto chunk = state.chunks.find(id);
    if (chunk == state.chunks.end()) continue;
    SearchResult result;
    result.chunk_id = id;
    result.document_id = chunk->second.document_id;
    const auto document = state.documents.find(result.document_id);
    result.source = document != state.documents.end() ? document->second.path : std::string();
    result.heading = chunk->second.heading;
    result.text = chunk->second.text;
    if (const auto hit = lexical_by_id.find(id); hit != lexical_by_id.end()) {
      result.lexical_rank = hit->second.first;
      result.score = hit->second.second;
    }
    if (const auto hit = dense_by_id.find(id); hit != dense_by_id.end()) {
      result.dense_rank = hit->second.first;
      result.score = std::max(result.score, hit->second.second);
    }
    if (result.score < min_score) continue;
    result.snippet = make_snippet(result.text, terms);
    results.push_back(std::move(result));
    if (results.size() == k) break;
  }
  return results;
}

std::vector<double> KnowledgeBase::term_weights(const std::vector<std::string>& terms) const {
  const std::shared_lock lock(state_->mutex);
  return state_->lexical.idf(terms);
}

void KnowledgeBase::start_watching(ProgressFn progress) {
  if (watcher_) return;
  State* state = state_.get();
  watcher_ = std::make_unique<FolderWatcher>(state_->options.kb_dir, [state, progress = std::move(progress)] {
    try {
      state->sync(progress);
    } catch (const std::exception& e) {
      log::warn("knowledge folder sync failed; it is retried on the next change", {{"reason", e.what()}});
    }
  });
  log::info("watching the knowledge folder", {{"path", state_->options.kb_dir.string()}});
}

void KnowledgeBase::stop_watching() { watcher_.reset(); }

bool KnowledgeBase::hybrid() const { return state_->options.embeddings != nullptr; }

std::size_t KnowledgeBase::chunk_count() const {
  const std::shared_lock lock(state_->mutex);
  return state_->chunks.size();
}

const fs::path& KnowledgeBase::kb_dir() const { return state_->options.kb_dir; }

}  // namespace lv::kb
