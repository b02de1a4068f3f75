// Reciprocal rank fusion: merges ranked id lists (BM25, dense search, ...) into one ranking without scores.
#pragma once

#include <cstdint>
#include <vector>

namespace lv::kb {

// The constant of Cormack et al. (2009): large enough that a first place alone does not outweigh agreement.
inline constexpr double kDefaultFusionK = 60.0;

struct FusedHit {
  std::int64_t id = 0;
  double score = 0.0;  // the sum over lists of weight / (k + rank), rank counted from 1
  int best_rank = 0;   // the best (lowest) rank the id had in any list
};

// Fuses `rankings` (each best first) into one list, best first. An id repeated within one list counts once,
// at its best rank. Ties in score go to the better best rank, then to the smaller id, so the result is the
// same every time. `weights` (empty: all 1) scales each list. Throws lv::Error for a negative or non-finite
// k, or weights that do not match the lists.
std::vector<FusedHit> fuse_rankings(const std::vector<std::vector<std::int64_t>>& rankings, double k = kDefaultFusionK,
                                    const std::vector<double>& weights = {});

}  // namespace lv::kb
