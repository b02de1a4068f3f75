// Dense vector search over chunk embeddings: exact cosine similarity on a FAISS flat inner-product index.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <vector>

namespace lv::kb {

struct DenseHit {
  std::int64_t id = 0;
  float score = 0.0F;  // cosine similarity with the query, -1..1
};

// Vectors are L2-normalized on the way in (queries too), so inner product is cosine similarity whatever the
// engine delivered. Thread-safe: searches run concurrently; changes wait for them and exclude each other.
// An exact (flat) index: a query reads every vector, which for a personal knowledge base (tens of thousands of
// chunks) takes a few milliseconds and never misses a neighbour, unlike approximate indexes.
class DenseIndex {
 public:
  // Throws lv::Error when `dimensions` is not positive.
  explicit DenseIndex(int dimensions);
  ~DenseIndex();
  DenseIndex(const DenseIndex&) = delete;
  DenseIndex& operator=(const DenseIndex&) = delete;

  int dimensions() const { return dimensions_; }
  std::size_t size() const;
  bool contains(std::int64_t id) const;

  // Adds the vector of `id`, replacing any it had. Throws lv::Error for a vector of the wrong length or one
  // that is zero or not finite (nothing is changed then).
  void add(std::int64_t id, std::span<const float> vector);
  // Adds many at once (faster than one by one): `vectors` holds ids.size() rows of dimensions() floats.
  // A repeated id keeps its last row. All rows are checked before any is added.
  void add_batch(std::span<const std::int64_t> ids, std::span<const float> vectors);
  // Returns whether `id` was there.
  bool remove(std::int64_t id);
  // Returns how many of `ids` were there.
  std::size_t remove_batch(std::span<const std::int64_t> ids);
  void clear();
  // Replaces the whole content (e.g. with the vectors stored on disk, at start-up or after the embedding model
  // changed); searches running meanwhile see either the old or the new content, never a mix.
  void rebuild(std::span<const std::int64_t> ids, std::span<const float> vectors);

  // The `k` stored vectors most similar to `query`, best first; equal scores in ascending id order. Fewer when
  // the index holds fewer. Throws lv::Error for a query of the wrong length or without direction.
  std::vector<DenseHit> search(std::span<const float> query, std::size_t k) const;
  // The stored (normalized) vector of `id`; empty when there is none.
  std::vector<float> vector(std::int64_t id) const;

  // Writes the ids and vectors to `path` with a checksum, atomically (a temporary file renamed into place).
  // Throws lv::Error on I/O errors.
  void save(const std::filesystem::path& path) const;
  // Reads an index written by save(). Throws lv::Error when the file is missing, truncated, altered or of
  // another kind.
  static std::unique_ptr<DenseIndex> load(const std::filesystem::path& path);

 private:
  struct Impl;
  std::shared_lock<std::shared_mutex> read_lock() const;

  int dimensions_;
  // Readers pass through the turnstile before sharing `mutex_`; a writer holds it while it waits, so a steady
  // stream of searches cannot starve changes (glibc's shared_mutex lets new readers overtake a waiting writer).
  mutable std::mutex turnstile_;
  mutable std::shared_mutex mutex_;
  std::unique_ptr<Impl> impl_;
};

using DenseIndexPtr = std::shared_ptr<DenseIndex>;

}  // namespace lv::kb
