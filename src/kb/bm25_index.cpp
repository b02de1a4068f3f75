#include "kb/bm25_index.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace lv::kb {

namespace {

double inverse_document_frequency(double documents, double containing) {
  return std::log(1.0 + (documents - containing + 0.5) / (containing + 0.5));
}

}  // namespace

void Bm25Index::add(std::int64_t id, const std::vector<std::string>& terms) {
  remove(id);
  std::unordered_map<std::string, std::uint32_t> counts;
  for (const auto& term : terms) ++counts[term];
  Doc doc;
  doc.length = static_cast<std::uint32_t>(terms.size());
  doc.terms.reserve(counts.size());
  for (auto& [term, count] : counts) {
    postings_[term].push_back({id, count, doc.length});
    doc.terms.push_back(term);
  }
  total_length_ += doc.length;
  docs_.emplace(id, std::move(doc));
}

void Bm25Index::remove(std::int64_t id) {
  const auto it = docs_.find(id);
  if (it == docs_.end()) return;
  for (const auto& term : it->second.terms) {
    const auto list = postings_.find(term);
    if (list == postings_.end()) continue;
    auto& entries = list->second;
    entries.erase(std::remove_if(entries.begin(), entries.end(), [id](const Posting& p) { return p.id == id; }),
                  entries.end());
    if (entries.empty()) postings_.erase(list);
  }
  total_length_ -= it->second.length;
  docs_.erase(it);
}

void Bm25Index::clear() {
  postings_.clear();
  docs_.clear();
  total_length_ = 0;
}

std::vector<double> Bm25Index::idf(const std::vector<std::string>& terms) const {
  std::vector<double> weights;
  weights.reserve(terms.size());
  for (const auto& term : terms) {
    const auto list = postings_.find(term);
    weights.push_back(inverse_document_frequency(
        static_cast<double>(docs_.size()), list == postings_.end() ? 0.0 : static_cast<double>(list->second.size())));
  }
  return weights;
}

std::vector<LexicalHit> Bm25Index::search(const std::vector<std::string>& query_terms, std::size_t k) const {
  std::vector<LexicalHit> hits;
  if (docs_.empty() || k == 0) return hits;
  const double n = static_cast<double>(docs_.size());
  const double average_length = std::max(1.0, static_cast<double>(total_length_) / n);
  std::unordered_map<std::int64_t, double> scores;
  double best_possible = 0;
  std::unordered_set<std::string> seen;
  for (const auto& term : query_terms) {
    if (!seen.insert(term).second) continue;
    const auto list = postings_.find(term);
    // Terms absent from the index still count toward the ceiling: a query half made of unknown words is at
    // best a half match.
    const double idf =
        inverse_document_frequency(n, list == postings_.end() ? 0.0 : static_cast<double>(list->second.size()));
    best_possible += idf * (k1_ + 1);
    if (list == postings_.end()) continue;
    for (const Posting& posting : list->second) {
      const double tf = posting.frequency;
      const double length = posting.length;
      const double norm = k1_ * (1 - b_ + b_ * length / average_length);
      scores[posting.id] += idf * tf * (k1_ + 1) / (tf + norm);
    }
  }
  hits.reserve(scores.size());
  for (const auto& [id, score] : scores) {
    hits.push_back({id, score, best_possible > 0 ? std::min(1.0, score / best_possible) : 0.0});
  }
  const auto better = [](const LexicalHit& a, const LexicalHit& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  };
  if (hits.size() > k) {
    std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(k), hits.end(), better);
    hits.resize(k);
  } else {
    std::sort(hits.begin(), hits.end(), better);
  }
  return hits;
}

}  // namespace lv::kb
