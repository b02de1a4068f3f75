// Knowledge base: BM25 and hybrid query latency over 10,000 chunks, and ingestion throughput.
#include <benchmark/benchmark.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "embed/embedding_engine.h"
#include "kb/bm25_index.h"
#include "kb/knowledge_base.h"
#include "kb/tokenizer.h"
#include "util/log.h"

namespace {

namespace fs = std::filesystem;

constexpr int kChunkWords = 300;
constexpr int kChunks = 10000;

// A vocabulary of made-up words with a Zipf-like frequency, so postings lists look like real text's.
class TextGenerator {
 public:
  TextGenerator() : random_(42) {
    const std::vector<std::string> syllables = {"ka", "lo",  "mi",  "ten", "ra",  "su",  "vel", "do", "pin", "gar",
                                                "nu", "ber", "sho", "fi",  "lan", "tro", "me",  "zu", "qua", "ok"};
    for (int i = 0; i < 6000; ++i) {
      std::string word;
      int n = i;
      do {
        word += syllables[static_cast<std::size_t>(n % 20)];
        n /= 20;
      } while (n > 0);
      words_.push_back(word + "x");
    }
    std::vector<double> weights;
    for (std::size_t i = 0; i < words_.size(); ++i) weights.push_back(1.0 / static_cast<double>(i + 1));
    pick_ = std::discrete_distribution<std::size_t>(weights.begin(), weights.end());
  }
  std::string words(int count) {
    std::string out;
    for (int i = 0; i < count; ++i) {
      out += words_[pick_(random_)];
      out += (i % 15 == 14) ? ". " : " ";
    }
    return out;
  }
  // Queries use mid-frequency words, as real questions do.
  std::string query() {
    std::uniform_int_distribution<std::size_t> mid(50, 2000);
    return words_[mid(random_)] + " " + words_[mid(random_)] + " " + words_[mid(random_)];
  }

 private:
  std::mt19937 random_;
  std::vector<std::string> words_;
  std::discrete_distribution<std::size_t> pick_;
};

// A stand-in for a real engine (384 dimensions, like all-MiniLM-L6-v2): hashed bag of words, unit length.
class HashEmbeddingEngine : public lv::embed::EmbeddingEngine {
 public:
  lv::embed::EmbeddingCapabilities capabilities() const override { return {kDimensions, 0, true}; }
  std::string model_name() const override { return "bench-hash-384"; }
  std::vector<std::vector<float>> embed(const std::vector<std::string>& texts, std::stop_token) override {
    std::vector<std::vector<float>> out;
    for (const auto& text : texts) {
      std::vector<float> vector(kDimensions, 0.0F);
      for (const auto& term : lv::kb::tokenize(text)) vector[std::hash<std::string>{}(term) % kDimensions] += 1.0F;
      double norm = 0;
      for (const float v : vector) norm += static_cast<double>(v) * v;
      for (float& v : vector) v = static_cast<float>(v / std::sqrt(std::max(norm, 1e-9)));
      out.push_back(std::move(vector));
    }
    return out;
  }
  static constexpr int kDimensions = 384;
};

// Writes `files` Markdown files of `chunks_per_file` sections of kChunkWords words; returns the bytes written.
std::uint64_t write_corpus(const fs::path& dir, int files, int chunks_per_file) {
  TextGenerator generator;
  fs::create_directories(dir);
  std::uint64_t bytes = 0;
  for (int f = 0; f < files; ++f) {
    std::string text;
    for (int c = 0; c < chunks_per_file; ++c) {
      text += "# Section " + std::to_string(c) + "\n\n" + generator.words(kChunkWords) + "\n\n";
    }
    std::ofstream(dir / ("doc" + std::to_string(f) + ".md")) << text;
    bytes += text.size();
  }
  return bytes;
}

struct BenchDir {
  BenchDir() : path(fs::temp_directory_path() / ("lv-kb-bench-" + std::to_string(std::random_device{}()))) {}
  ~BenchDir() {
    std::error_code error;
    fs::remove_all(path, error);
  }
  fs::path path;
};

lv::kb::KnowledgeBasePtr open_kb(const fs::path& dir, lv::embed::EmbeddingEnginePtr engine) {
  lv::kb::KnowledgeBaseOptions options;
  options.kb_dir = dir / "knowledge";
  options.db_path = dir / "knowledge.sqlite3";
  options.embeddings = std::move(engine);
  options.embed_batch_size = 64;
  return lv::kb::KnowledgeBase::open(options);
}

void BM_Bm25Search10kChunks(benchmark::State& state) {
  TextGenerator generator;
  lv::kb::Bm25Index index;
  for (int id = 0; id < kChunks; ++id) index.add(id, lv::kb::tokenize(generator.words(kChunkWords)));
  std::vector<std::string> queries;
  for (int i = 0; i < 64; ++i) queries.push_back(generator.query());
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(index.search(lv::kb::tokenize(queries[i++ % queries.size()]), 50));
  }
}
BENCHMARK(BM_Bm25Search10kChunks)->Unit(benchmark::kMicrosecond);

// The whole search call a voice turn makes: tokenize, BM25, (embed the query, dense search, fuse), snippets.
void kb_search(benchmark::State& state, bool hybrid) {
  BenchDir dir;
  write_corpus(dir.path / "knowledge", 200, kChunks / 200);
  const auto kb = open_kb(dir.path, hybrid ? std::make_shared<HashEmbeddingEngine>() : nullptr);
  kb->sync();
  TextGenerator generator;
  std::vector<std::string> queries;
  for (int i = 0; i < 64; ++i) queries.push_back(generator.query());
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(kb->search(queries[i++ % queries.size()], 3));
  state.counters["chunks"] = static_cast<double>(kb->chunk_count());
}
void BM_KbSearchLexical10kChunks(benchmark::State& state) { kb_search(state, false); }
void BM_KbSearchHybrid10kChunks(benchmark::State& state) { kb_search(state, true); }
BENCHMARK(BM_KbSearchLexical10kChunks)->Unit(benchmark::kMicrosecond)->Iterations(2000);
BENCHMARK(BM_KbSearchHybrid10kChunks)->Unit(benchmark::kMicrosecond)->Iterations(2000);

// Index open: rebuilding BM25 (and the dense index) from the database at start.
void BM_KbOpen10kChunks(benchmark::State& state) {
  BenchDir dir;
  write_corpus(dir.path / "knowledge", 200, kChunks / 200);
  open_kb(dir.path, std::make_shared<HashEmbeddingEngine>())->sync();
  for (auto _ : state) benchmark::DoNotOptimize(open_kb(dir.path, std::make_shared<HashEmbeddingEngine>()));
}
BENCHMARK(BM_KbOpen10kChunks)->Unit(benchmark::kMillisecond)->Iterations(3);

// Ingestion from files: read, extract, chunk, tokenize, store in SQLite (and embed).
void ingest(benchmark::State& state, bool embed) {
  BenchDir dir;
  const std::uint64_t bytes = write_corpus(dir.path / "knowledge", 50, 20);
  std::size_t chunks = 0;
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove(dir.path / "knowledge.sqlite3");
    fs::remove(dir.path / "knowledge.sqlite3-wal");
    fs::remove(dir.path / "knowledge.sqlite3-shm");
    const auto kb = open_kb(dir.path, embed ? std::make_shared<HashEmbeddingEngine>() : nullptr);
    state.ResumeTiming();
    kb->sync();
    chunks = kb->chunk_count();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
  state.counters["chunks_per_s"] = benchmark::Counter(
      static_cast<double>(chunks) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
void BM_IngestText(benchmark::State& state) { ingest(state, false); }
void BM_IngestTextWithFakeEmbeddings(benchmark::State& state) { ingest(state, true); }
BENCHMARK(BM_IngestText)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_IngestTextWithFakeEmbeddings)->Unit(benchmark::kMillisecond)->Iterations(3);

// Quiet logs: the library logs one line per indexed file.
const bool kQuiet = [] {
  lv::log::init(lv::log::Level::warn);
  return true;
}();

}  // namespace
