#include "embed/vector_math.h"

#include <cmath>
#include <cstddef>

namespace lv::embed {

double l2_norm(std::span<const float> vector) {
  double sum = 0.0;
  for (const float value : vector) {
    sum += static_cast<double>(value) * static_cast<double>(value);
  }
  return std::sqrt(sum);
}

bool normalize_l2(std::span<float> vector) {
  const double norm = l2_norm(vector);
  if (!std::isfinite(norm) || norm <= 0.0) {
    return false;
  }
  const double scale = 1.0 / norm;
  for (float& value : vector) {
    value = static_cast<float>(value * scale);
  }
  return true;
}

double dot_product(std::span<const float> a, std::span<const float> b) {
  double sum = 0.0;
  const std::size_t size = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < size; ++i) {
    sum += static_cast<double>(a[i]) * static_cast<double>(b[i]);
  }
  return sum;
}

}  // namespace lv::embed
