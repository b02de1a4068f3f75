#include "kb/rank_fusion.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "util/error.h"

namespace lv::kb {

std::vector<FusedHit> fuse_rankings(const std::vector<std::vector<std::int64_t>>& rankings, double k,
                                    const std::vector<double>& weights) {
  if (!std::isfinite(k) || k < 0.0) {
    throw Error("rank fusion constant k must be a finite number of at least 0, got " + std::to_string(k),
                "use the usual k = 60");
  }
  if (!weights.empty() && weights.size() != rankings.size()) {
    throw Error("rank fusion got " + std::to_string(weights.size()) + " weights for " +
                    std::to_string(rankings.size()) + " rankings",
                "give one weight per ranking, or none");
  }
  for (const double weight : weights) {
    if (!std::isfinite(weight) || weight < 0.0) {
      throw Error("rank fusion weights must be finite and not negative", "use weights such as 1.0");
    }
  }
  std::unordered_map<std::int64_t, std::size_t> slot_of;
  std::vector<FusedHit> fused;
  std::vector<std::vector<double>> parts;  // each id's contributions, one per list it is in
  for (std::size_t list = 0; list < rankings.size(); ++list) {
    const double weight = weights.empty() ? 1.0 : weights[list];
    std::unordered_set<std::int64_t> seen;
    int rank = 0;
    for (const std::int64_t id : rankings[list]) {
      ++rank;
      if (!seen.insert(id).second) {
        continue;  // a repeat within one list adds nothing: it was already counted at a better rank
      }
      auto [it, inserted] = slot_of.try_emplace(id, fused.size());
      if (inserted) {
        fused.push_back({id, 0.0, rank});
        parts.emplace_back();
      }
      FusedHit& hit = fused[it->second];
      parts[it->second].push_back(weight / (k + static_cast<double>(rank)));
      hit.best_rank = std::min(hit.best_rank, rank);
    }
  }
  // Summing in a fixed order (largest first) makes equal rank patterns give bit-equal scores whatever the
  // order of the lists, so ties are real ties and the tie-breaks below decide them.
  for (std::size_t i = 0; i < fused.size(); ++i) {
    std::sort(parts[i].begin(), parts[i].end(), std::greater<>());
    for (const double part : parts[i]) {
      fused[i].score += part;
    }
  }
  std::sort(fused.begin(), fused.end(), [](const FusedHit& a, const FusedHit& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.best_rank != b.best_rank) return a.best_rank < b.best_rank;
    return a.id < b.id;
  });
  return fused;
}

}  // namespace lv::kb
