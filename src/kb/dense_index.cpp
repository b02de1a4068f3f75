#include "kb/dense_index.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexIDMap.h>
#include <faiss/impl/IDSelector.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "util/error.h"

namespace lv::kb {
namespace {

using FaissId = faiss::Index::idx_t;

// Normalizes a copy of `vector` into `out`; false when it has no direction (zero, NaN or infinity).
bool normalized_copy(std::span<const float> vector, float* out) {
  double sum = 0.0;
  for (const float value : vector) {
    sum += static_cast<double>(value) * static_cast<double>(value);
  }
  const double norm = std::sqrt(sum);
  if (!std::isfinite(norm) || norm <= 0.0) {
    return false;
  }
  for (std::size_t i = 0; i < vector.size(); ++i) {
    out[i] = static_cast<float>(vector[i] / norm);
  }
  return true;
}

void check_length(std::size_t got, int dimensions, const char* what) {
  if (got != static_cast<std::size_t>(dimensions)) {
    throw Error(std::string(what) + " has " + std::to_string(got) + " values but the dense index holds " +
                    std::to_string(dimensions) + "-dimensional vectors",
                "embed with the model the index was built with, or rebuild the index after changing models");
  }
}

// Runs FAISS single-threaded in the calling thread for its lifetime, then restores the thread's setting.
// One query (or a few rows) gains nothing from an OpenMP team, while starting one and spin-waiting its
// threads costs milliseconds and CPU on a small, busy machine; the server already searches on its own threads.
class SingleThreadedOpenMp {
 public:
  SingleThreadedOpenMp() : previous_(omp_get_max_threads()) { omp_set_num_threads(1); }
  ~SingleThreadedOpenMp() { omp_set_num_threads(previous_); }
  SingleThreadedOpenMp(const SingleThreadedOpenMp&) = delete;
  SingleThreadedOpenMp& operator=(const SingleThreadedOpenMp&) = delete;

 private:
  int previous_;
};

// The file save() writes: this header, then `count` ids (int64) and `count` rows of `dimensions` floats, in this
// machine's byte order. FAISS's own index files are not used: its reader leaks what it had built when a
// file turns out truncated, and a plain layout is all a flat index needs.
constexpr char kFileMagic[8] = {'L', 'V', 'D', 'E', 'N', 'S', 'E', '1'};

struct FileHeader {
  char magic[8] = {};
  std::int32_t dimensions = 0;
  std::int32_t reserved = 0;
  std::uint64_t count = 0;
  std::uint64_t checksum = 0;  // FNV-1a over ids and rows
};

std::uint64_t fnv1a(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char byte : bytes) {
    hash ^= static_cast<unsigned char>(byte);
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::unique_ptr<faiss::IndexIDMap2> make_faiss_index(int dimensions) {
  auto flat = std::make_unique<faiss::IndexFlatIP>(dimensions);
  auto index = std::make_unique<faiss::IndexIDMap2>(flat.get());
  static_cast<void>(flat.release());  // owned by the id map from here on
  index->own_fields = true;
  return index;
}

}  // namespace

struct DenseIndex::Impl {
  std::unique_ptr<faiss::IndexIDMap2> index;

  // Checks and normalizes rows; a repeated id keeps its last row. Returns ids and rows ready for FAISS.
  static std::pair<std::vector<FaissId>, std::vector<float>> prepare(std::span<const std::int64_t> ids,
                                                                     std::span<const float> vectors, int dimensions) {
    const auto width = static_cast<std::size_t>(dimensions);
    if (vectors.size() != ids.size() * width) {
      throw Error("dense index: " + std::to_string(ids.size()) + " ids but " + std::to_string(vectors.size()) +
                      " values (expected " + std::to_string(ids.size() * width) + ")",
                  "pass one " + std::to_string(dimensions) + "-dimensional vector per id");
    }
    std::unordered_map<std::int64_t, std::size_t> last_row;
    last_row.reserve(ids.size());
    for (std::size_t row = 0; row < ids.size(); ++row) {
      last_row[ids[row]] = row;
    }
    std::vector<FaissId> out_ids;
    std::vector<float> out_rows;
    out_ids.reserve(last_row.size());
    out_rows.resize(last_row.size() * width);
    for (std::size_t row = 0; row < ids.size(); ++row) {
      if (last_row[ids[row]] != row) {
        continue;
      }
      const std::size_t slot = out_ids.size();
      if (!normalized_copy(vectors.subspan(row * width, width), out_rows.data() + slot * width)) {
        throw Error("the vector for id " + std::to_string(ids[row]) + " is zero or not finite",
                    "check the embedding engine; such a vector has no direction to compare");
      }
      out_ids.push_back(static_cast<FaissId>(ids[row]));
    }
    return {std::move(out_ids), std::move(out_rows)};
  }

  // Removes ids that are present (under the exclusive lock); returns how many were.
  std::size_t remove_present(const std::vector<FaissId>& ids) {
    std::vector<FaissId> present;
    for (const FaissId id : ids) {
      if (index->rev_map.count(id) != 0) {
        present.push_back(id);
      }
    }
    if (present.empty()) {
      return 0;
    }
    const faiss::IDSelectorBatch selector(present.size(), present.data());
    return index->remove_ids(selector);
  }

  void add_prepared(const std::vector<FaissId>& ids, const std::vector<float>& rows) {
    remove_present(ids);
    if (!ids.empty()) {
      index->add_with_ids(static_cast<FaissId>(ids.size()), rows.data(), ids.data());
    }
  }
};

DenseIndex::DenseIndex(int dimensions) : dimensions_(dimensions), impl_(std::make_unique<Impl>()) {
  if (dimensions <= 0) {
    throw Error("a dense index needs a positive dimension, got " + std::to_string(dimensions),
                "create it with the embedding engine's dimensions");
  }
  impl_->index = make_faiss_index(dimensions);
}

DenseIndex::~DenseIndex() = default;

std::shared_lock<std::shared_mutex> DenseIndex::read_lock() const {
  { const std::lock_guard gate(turnstile_); }
  return std::shared_lock(mutex_);
}

std::size_t DenseIndex::size() const {
  const auto lock = read_lock();
  return static_cast<std::size_t>(impl_->index->ntotal);
}

bool DenseIndex::contains(std::int64_t id) const {
  const auto lock = read_lock();
  return impl_->index->rev_map.count(id) != 0;
}

void DenseIndex::add(std::int64_t id, std::span<const float> vector) {
  check_length(vector.size(), dimensions_, "the vector");
  add_batch(std::span<const std::int64_t>(&id, 1), vector);
}

void DenseIndex::add_batch(std::span<const std::int64_t> ids, std::span<const float> vectors) {
  auto [faiss_ids, rows] = Impl::prepare(ids, vectors, dimensions_);  // checks happen before the lock
  const SingleThreadedOpenMp single_threaded;
  const std::lock_guard gate(turnstile_);
  const std::unique_lock lock(mutex_);
  impl_->add_prepared(faiss_ids, rows);
}

bool DenseIndex::remove(std::int64_t id) { return remove_batch(std::span<const std::int64_t>(&id, 1)) == 1; }

std::size_t DenseIndex::remove_batch(std::span<const std::int64_t> ids) {
  std::vector<FaissId> wanted(ids.begin(), ids.end());
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  const SingleThreadedOpenMp single_threaded;
  const std::lock_guard gate(turnstile_);
  const std::unique_lock lock(mutex_);
  return impl_->remove_present(wanted);
}

void DenseIndex::clear() {
  auto fresh = make_faiss_index(dimensions_);
  const std::lock_guard gate(turnstile_);
  const std::unique_lock lock(mutex_);
  impl_->index = std::move(fresh);
}

void DenseIndex::rebuild(std::span<const std::int64_t> ids, std::span<const float> vectors) {
  // Built aside, then swapped in: searches are blocked only for the swap, not for the build.
  auto [faiss_ids, rows] = Impl::prepare(ids, vectors, dimensions_);
  auto fresh = make_faiss_index(dimensions_);
  const SingleThreadedOpenMp single_threaded;
  if (!faiss_ids.empty()) {
    fresh->add_with_ids(static_cast<FaissId>(faiss_ids.size()), rows.data(), faiss_ids.data());
  }
  const std::lock_guard gate(turnstile_);
  const std::unique_lock lock(mutex_);
  impl_->index = std::move(fresh);
}

std::vector<DenseHit> DenseIndex::search(std::span<const float> query, std::size_t k) const {
  check_length(query.size(), dimensions_, "the query vector");
  std::vector<float> unit(query.size());
  if (!normalized_copy(query, unit.data())) {
    throw Error("the query vector is zero or not finite", "check the embedding engine's output for this query");
  }
  const SingleThreadedOpenMp single_threaded;
  const auto lock = read_lock();
  const auto total = static_cast<std::size_t>(impl_->index->ntotal);
  k = std::min(k, total);
  if (k == 0) {
    return {};
  }
  std::vector<float> scores(k);
  std::vector<FaissId> labels(k);
  impl_->index->search(1, unit.data(), static_cast<FaissId>(k), scores.data(), labels.data());
  std::vector<DenseHit> hits;
  hits.reserve(k);
  for (std::size_t i = 0; i < k; ++i) {
    if (labels[i] >= 0) {
      hits.push_back({static_cast<std::int64_t>(labels[i]), scores[i]});
    }
  }
  // FAISS's heap leaves equal scores in no particular order; callers want the same answer every time.
  std::sort(hits.begin(), hits.end(),
            [](const DenseHit& a, const DenseHit& b) { return a.score != b.score ? a.score > b.score : a.id < b.id; });
  return hits;
}

std::vector<float> DenseIndex::vector(std::int64_t id) const {
  const auto lock = read_lock();
  if (impl_->index->rev_map.count(id) == 0) {
    return {};
  }
  std::vector<float> out(static_cast<std::size_t>(dimensions_));
  impl_->index->reconstruct(static_cast<FaissId>(id), out.data());
  return out;
}

void DenseIndex::save(const std::filesystem::path& path) const {
  std::string payload;
  std::size_t count = 0;
  {
    const auto lock = read_lock();
    const auto& ids = impl_->index->id_map;
    const auto* flat = dynamic_cast<const faiss::IndexFlat*>(impl_->index->index);
    count = ids.size();
    payload.resize(count * sizeof(std::int64_t) + count * static_cast<std::size_t>(dimensions_) * sizeof(float));
    if (count > 0) {
      std::memcpy(payload.data(), ids.data(), count * sizeof(std::int64_t));
      std::memcpy(payload.data() + count * sizeof(std::int64_t), flat->get_xb(),
                  count * static_cast<std::size_t>(dimensions_) * sizeof(float));
    }
  }
  FileHeader header;
  std::memcpy(header.magic, kFileMagic, sizeof header.magic);
  header.dimensions = dimensions_;
  header.count = count;
  header.checksum = fnv1a(payload);

  const auto temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(&header), sizeof header);
    out.write(payload.data(), static_cast<std::streamsize>(payload.size()));
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      throw Error("cannot write the dense index to " + path.string(),
                  "check that the folder exists, is writable and the disk is not full");
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    throw Error("cannot write the dense index to " + path.string() + ": " + ec.message(),
                "check that the folder is writable");
  }
}

std::unique_ptr<DenseIndex> DenseIndex::load(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error("dense index file not found: " + path.string(), "rebuild the index from the stored vectors");
  }
  const auto damaged = [&path](const std::string& why) {
    return Error("damaged dense index file " + path.string() + " (" + why + ")",
                 "delete it and rebuild the index from the stored vectors");
  };
  std::ifstream in(path, std::ios::binary);
  FileHeader header;
  if (!in.read(reinterpret_cast<char*>(&header), sizeof header) ||
      std::memcmp(header.magic, kFileMagic, sizeof header.magic) != 0) {
    throw damaged("not a LocalVoice dense index");
  }
  const std::uint64_t file_bytes = std::filesystem::file_size(path, ec);
  const std::uint64_t row_bytes = sizeof(std::int64_t) + static_cast<std::uint64_t>(header.dimensions) * sizeof(float);
  if (ec || header.dimensions <= 0 || header.count > (file_bytes / row_bytes) ||
      file_bytes != sizeof header + header.count * row_bytes) {
    throw damaged("its size does not match its header: truncated or overwritten");
  }
  std::string payload(static_cast<std::size_t>(header.count * row_bytes), '\0');
  if (!in.read(payload.data(), static_cast<std::streamsize>(payload.size())) || fnv1a(payload) != header.checksum) {
    throw damaged("its checksum does not match its content");
  }
  const auto count = static_cast<std::size_t>(header.count);
  std::vector<std::int64_t> ids(count);
  std::vector<float> vectors(count * static_cast<std::size_t>(header.dimensions));
  if (count > 0) {
    std::memcpy(ids.data(), payload.data(), count * sizeof(std::int64_t));
    std::memcpy(vectors.data(), payload.data() + count * sizeof(std::int64_t), vectors.size() * sizeof(float));
  }
  auto index = std::make_unique<DenseIndex>(header.dimensions);
  try {
    index->rebuild(ids, vectors);
  } catch (const Error& e) {
    throw damaged(e.what());
  }
  return index;
}

}  // namespace lv::kb
