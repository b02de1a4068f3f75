// Vector arithmetic shared by the embedding engines and their callers: L2 normalization and dot products.
#pragma once

#include <span>

namespace lv::embed {

// Scales `vector` to unit length in place. Returns false (leaving it unchanged) when it has no length to
// scale or holds a NaN or infinity, which no normalization can repair.
bool normalize_l2(std::span<float> vector);

// The L2 norm, accumulated in double so that long vectors keep their precision.
double l2_norm(std::span<const float> vector);

// The dot product of two equally long vectors (cosine similarity when both have unit length).
double dot_product(std::span<const float> a, std::span<const float> b);

}  // namespace lv::embed
