// Dense search cost: one query against 10,000 chunk vectors of 384 dimensions (all-MiniLM-L6-v2's size), on
// one core, next to a plain C++ scan of the same data, plus the cost of building and changing the index.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "kb/dense_index.h"

namespace lv::kb {
namespace {

constexpr int kDimensions = 384;
constexpr std::int64_t kVectors = 10'000;

// Rows of unit vectors, as an embedding engine delivers them.
std::vector<float> random_rows(std::int64_t count, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> rows(static_cast<std::size_t>(count) * kDimensions);
  for (std::int64_t r = 0; r < count; ++r) {
    float* row = rows.data() + r * kDimensions;
    double sum = 0;
    for (int i = 0; i < kDimensions; ++i) {
      row[i] = normal(rng);
      sum += static_cast<double>(row[i]) * row[i];
    }
    for (int i = 0; i < kDimensions; ++i) {
      row[i] = static_cast<float>(row[i] / std::sqrt(sum));
    }
  }
  return rows;
}

std::vector<std::int64_t> sequential_ids(std::int64_t count) {
  std::vector<std::int64_t> ids(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) {
    ids[static_cast<std::size_t>(i)] = i;
  }
  return ids;
}

// Per-iteration wall times, reported as p50 and p99 counters (Google Benchmark reports means).
class Percentiles {
 public:
  void add(std::chrono::steady_clock::duration elapsed) {
    samples_us_.push_back(std::chrono::duration<double, std::micro>(elapsed).count());
  }
  void report(benchmark::State& state) {
    if (samples_us_.empty()) return;
    std::sort(samples_us_.begin(), samples_us_.end());
    const auto at = [&](double q) { return samples_us_[static_cast<std::size_t>(q * (samples_us_.size() - 1))]; };
    state.counters["p50_us"] = at(0.50);
    state.counters["p99_us"] = at(0.99);
  }

 private:
  std::vector<double> samples_us_;
};

// Arg: k, the number of neighbours asked for (the knowledge base asks for at least 50 candidates).
void BM_DenseSearch(benchmark::State& state) {
  DenseIndex index(kDimensions);
  index.rebuild(sequential_ids(kVectors), random_rows(kVectors, 1));
  const auto queries = random_rows(64, 2);
  const auto k = static_cast<std::size_t>(state.range(0));
  Percentiles percentiles;
  std::size_t q = 0;
  for (auto _ : state) {
    const std::span<const float> query(queries.data() + (q++ % 64) * kDimensions, kDimensions);
    const auto started = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(index.search(query, k));
    percentiles.add(std::chrono::steady_clock::now() - started);
  }
  percentiles.report(state);
}
BENCHMARK(BM_DenseSearch)->Arg(10)->Arg(50)->Unit(benchmark::kMicrosecond);

// The baseline: a straightforward C++ loop over the same rows with a partial sort, no FAISS.
void BM_PlainScan(benchmark::State& state) {
  const auto rows = random_rows(kVectors, 1);
  const auto queries = random_rows(64, 2);
  const auto k = static_cast<std::size_t>(state.range(0));
  std::vector<std::pair<float, std::int64_t>> scored(static_cast<std::size_t>(kVectors));
  Percentiles percentiles;
  std::size_t q = 0;
  for (auto _ : state) {
    const float* query = queries.data() + (q++ % 64) * kDimensions;
    const auto started = std::chrono::steady_clock::now();
    for (std::int64_t r = 0; r < kVectors; ++r) {
      const float* row = rows.data() + r * kDimensions;
      float dot = 0;
      for (int i = 0; i < kDimensions; ++i) {
        dot += row[i] * query[i];
      }
      scored[static_cast<std::size_t>(r)] = {dot, r};
    }
    std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(k), scored.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    benchmark::DoNotOptimize(scored.data());
    percentiles.add(std::chrono::steady_clock::now() - started);
  }
  percentiles.report(state);
}
BENCHMARK(BM_PlainScan)->Arg(10)->Arg(50)->Unit(benchmark::kMicrosecond);

// Loading 10,000 stored vectors at start-up.
void BM_DenseRebuild(benchmark::State& state) {
  const auto rows = random_rows(kVectors, 3);
  const auto ids = sequential_ids(kVectors);
  DenseIndex index(kDimensions);
  for (auto _ : state) {
    index.rebuild(ids, rows);
  }
  state.SetItemsProcessed(state.iterations() * kVectors);
}
BENCHMARK(BM_DenseRebuild)->Unit(benchmark::kMillisecond);

// Re-indexing one document: remove its 20 chunks and add 20 new ones to a 10,000-vector index.
void BM_DenseReplaceDocument(benchmark::State& state) {
  DenseIndex index(kDimensions);
  index.rebuild(sequential_ids(kVectors), random_rows(kVectors, 4));
  const auto fresh = random_rows(20, 5);
  auto chunk_ids = sequential_ids(20);
  std::int64_t next = kVectors;
  for (auto _ : state) {
    index.remove_batch(chunk_ids);
    for (auto& id : chunk_ids) {
      id = next++;
    }
    index.add_batch(chunk_ids, fresh);
  }
}
BENCHMARK(BM_DenseReplaceDocument)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace lv::kb
