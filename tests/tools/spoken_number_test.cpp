#include "tools/spoken_number.h"

#include <gtest/gtest.h>

#include "tools/intent_template.h"

namespace lv::tools {
namespace {

std::optional<double> number(std::string_view text) { return parse_spoken_number(intent_words(text)); }

TEST(SpokenNumber, ReadsWordsAndDigits) {
  EXPECT_EQ(number("zero"), 0);
  EXPECT_EQ(number("five"), 5);
  EXPECT_EQ(number("fifteen"), 15);
  EXPECT_EQ(number("twenty five"), 25);
  EXPECT_EQ(number("twenty-five"), 25);
  EXPECT_EQ(number("ninety"), 90);
  EXPECT_EQ(number("one hundred and five"), 105);
  EXPECT_EQ(number("a hundred"), 100);
  EXPECT_EQ(number("two thousand three hundred forty one"), 2341);
  EXPECT_EQ(number("90"), 90);
  EXPECT_EQ(number("1.5"), 1.5);
  EXPECT_EQ(number("a"), 1);
  EXPECT_EQ(number("an"), 1);
}

TEST(SpokenNumber, ReadsHalvesAndDecimals) {
  EXPECT_EQ(number("two and a half"), 2.5);
  EXPECT_EQ(number("half"), 0.5);
  EXPECT_EQ(number("a half"), 0.5);
  EXPECT_EQ(number("half an"), 0.5);
  EXPECT_EQ(number("one and a quarter"), 1.25);
  EXPECT_EQ(number("two point five"), 2.5);
}

TEST(SpokenNumber, RefusesWhatIsNotOneNumber) {
  EXPECT_EQ(number(""), std::nullopt);
  EXPECT_EQ(number("five five"), std::nullopt);
  EXPECT_EQ(number("twenty thirty"), std::nullopt);
  EXPECT_EQ(number("fifteen five"), std::nullopt);
  EXPECT_EQ(number("minutes"), std::nullopt);
  EXPECT_EQ(number("and five"), std::nullopt);
  EXPECT_EQ(number("five and"), std::nullopt);
  EXPECT_EQ(number("two point"), std::nullopt);
}

}  // namespace
}  // namespace lv::tools
