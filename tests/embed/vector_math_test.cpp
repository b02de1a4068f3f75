#include "embed/vector_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace lv::embed {
namespace {

TEST(VectorMathTest, NormalizesToUnitLengthKeepingDirection) {
  std::vector<float> vector = {3.0F, 0.0F, -4.0F};
  ASSERT_TRUE(normalize_l2(vector));
  EXPECT_FLOAT_EQ(vector[0], 0.6F);
  EXPECT_FLOAT_EQ(vector[1], 0.0F);
  EXPECT_FLOAT_EQ(vector[2], -0.8F);
  EXPECT_NEAR(l2_norm(vector), 1.0, 1e-7);
}

TEST(VectorMathTest, RefusesVectorsWithoutADirection) {
  std::vector<float> zero(8, 0.0F);
  EXPECT_FALSE(normalize_l2(zero));
  EXPECT_EQ(zero, std::vector<float>(8, 0.0F));
  std::vector<float> nan = {1.0F, std::numeric_limits<float>::quiet_NaN()};
  EXPECT_FALSE(normalize_l2(nan));
  std::vector<float> infinite = {1.0F, std::numeric_limits<float>::infinity()};
  EXPECT_FALSE(normalize_l2(infinite));
  std::vector<float> empty;
  EXPECT_FALSE(normalize_l2(empty));
}

TEST(VectorMathTest, TinyAndHugeValuesStillNormalize) {
  std::vector<float> tiny = {1e-30F, 1e-30F};
  ASSERT_TRUE(normalize_l2(tiny));
  EXPECT_NEAR(tiny[0], std::sqrt(0.5), 1e-6);
  std::vector<float> huge = {3e30F, 4e30F};
  ASSERT_TRUE(normalize_l2(huge));
  EXPECT_NEAR(huge[1], 0.8, 1e-6);
}

TEST(VectorMathTest, DotProductIsCosineForUnitVectors) {
  const std::vector<float> a = {1.0F, 0.0F};
  const std::vector<float> b = {0.0F, 1.0F};
  const std::vector<float> c = {std::sqrt(0.5F), std::sqrt(0.5F)};
  EXPECT_DOUBLE_EQ(dot_product(a, b), 0.0);
  EXPECT_NEAR(dot_product(a, c), std::sqrt(0.5), 1e-7);
  EXPECT_NEAR(dot_product(c, c), 1.0, 1e-7);
}

}  // namespace
}  // namespace lv::embed
