// The lexical index: Okapi BM25 over chunk terms, in memory, rebuilt from stored chunks at open.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace lv::kb {

struct LexicalHit {
  std::int64_t id = 0;
  double score = 0;       // raw BM25
  double normalized = 0;  // score / the best score any chunk could get for this query: 0..1
};

// Not thread-safe: the knowledge base guards it (many readers, one writer).
class Bm25Index {
 public:
  // k1 and b are the usual BM25 constants (term frequency saturation and length normalization).
  explicit Bm25Index(double k1 = 1.2, double b = 0.75) : k1_(k1), b_(b) {}

  // Adds or replaces the terms of `id` (tokenize()d text).
  void add(std::int64_t id, const std::vector<std::string>& terms);
  void remove(std::int64_t id);
  void clear();
  std::size_t size() const { return docs_.size(); }

  // The best `k` ids for the query terms, best first; ties broken by the smaller id so results are stable.
  std::vector<LexicalHit> search(const std::vector<std::string>& query_terms, std::size_t k) const;
  // Each term's inverse document frequency as search() weighs it (highest for a term no chunk holds).
  std::vector<double> idf(const std::vector<std::string>& terms) const;

 private:
  struct Posting {
    std::int64_t id;
    std::uint32_t frequency;
    std::uint32_t length;  // the chunk's length, here so that scoring needs no second lookup
  };
  struct Doc {
    std::uint32_t length = 0;
    std::vector<std::string> terms;  // distinct terms, to find the postings again on removal
  };

  double k1_;
  double b_;
  std::unordered_map<std::string, std::vector<Posting>> postings_;
  std::unordered_map<std::int64_t, Doc> docs_;
  std::uint64_t total_length_ = 0;
};

}  // namespace lv::kb
