#include "tools/calculator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tools/calculate_tool.h"
#include "util/error.h"

namespace lv::tools {
namespace {

using ::testing::HasSubstr;

std::string result_of(std::string_view input) { return calculate(input).text; }

std::string error_of(std::string_view input) {
  try {
    calculate(input);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Calculator, DecimalsAreExact) {
  EXPECT_EQ(result_of("0.1 + 0.2"), "0.3");
  EXPECT_TRUE(calculate("0.1 + 0.2").exact);
  EXPECT_EQ(result_of("1.1 * 1.1"), "1.21");
  EXPECT_EQ(result_of(".5 + 1."), "1.5");
}

TEST(Calculator, FollowsPrecedenceAndParentheses) {
  EXPECT_EQ(result_of("2 + 3 * 4"), "14");
  EXPECT_EQ(result_of("(2 + 3) * 4"), "20");
  EXPECT_EQ(result_of("2 ^ 3 ^ 2"), "512");
  EXPECT_EQ(result_of("-2 ^ 2"), "-4");
  EXPECT_EQ(result_of("(-2) ^ 2"), "4");
  EXPECT_EQ(result_of("2 ** 10"), "1024");
  EXPECT_EQ(result_of("10 - 4 - 3"), "3");
  EXPECT_EQ(result_of("--3"), "3");
}

TEST(Calculator, DivisionModuloAndPowersStayExact) {
  EXPECT_EQ(result_of("1 / 4"), "0.25");
  EXPECT_EQ(result_of("1 / 3"), "0.3333333333");
  EXPECT_FALSE(calculate("1 / 3").exact);
  EXPECT_EQ(calculate("1 / 3 * 3").text, "1");
  EXPECT_EQ(result_of("17 % 5"), "2");
  EXPECT_EQ(result_of("-7 % 3"), "2");
  EXPECT_EQ(result_of("2 ^ -2"), "0.25");
  EXPECT_EQ(result_of("2 ^ 100"), "1267650600228229401496703205376");
}

TEST(Calculator, ConvertsUnits) {
  EXPECT_EQ(result_of("5 km in miles"), "3.1068559612");
  EXPECT_EQ(result_of("1 mile in km"), "1.609344");
  EXPECT_EQ(result_of("72 fahrenheit in celsius"), "22.2222222222");
  EXPECT_EQ(result_of("100 degrees celsius to fahrenheit"), "212");
  EXPECT_EQ(result_of("0 c in k"), "273.15");
  EXPECT_EQ(result_of("2 hours in minutes"), "120");
  EXPECT_EQ(result_of("1 kg in lb"), "2.2046226218");
  EXPECT_EQ(result_of("1 gallon in liters"), "3.785411784");
  EXPECT_EQ(result_of("(1 + 1) feet in inches"), "24");
  EXPECT_EQ(calculate("5 km in miles").unit->name, "mile");
}

TEST(Calculator, BadInputSaysWhereAndWhat) {
  EXPECT_EQ(error_of("(2 + 3))"), "unexpected ')' at position 8");
  EXPECT_EQ(error_of("2 +"), "the expression ends too early");
  EXPECT_EQ(error_of("1 / 0"), "division by zero");
  EXPECT_EQ(error_of("5 % 0"), "modulo by zero");
  EXPECT_EQ(error_of(""), "the expression is empty");
  EXPECT_THAT(error_of("2 $ 3"), HasSubstr("unexpected '$' at position 3"));
  EXPECT_THAT(error_of("(2 + 3"), HasSubstr("')' was expected"));
  EXPECT_THAT(error_of("5 km in pounds"), HasSubstr("cannot convert kilometer (length) to pound (mass)"));
  EXPECT_THAT(error_of("5 furlongs in km"), HasSubstr("unknown unit 'furlongs'"));
  EXPECT_THAT(error_of("2 ^ 0.5"), HasSubstr("must be a whole number"));
  EXPECT_THAT(error_of("2 ^ 99999"), HasSubstr("too large"));
}

TEST(CalculateTool, ReturnsTheResultOrAnError) {
  const CalculateTool tool;
  const auto ok = tool.invoke({{"expression", "0.1 + 0.2"}}, {});
  ASSERT_FALSE(ok.is_error);
  EXPECT_EQ(ok.content["result"], "0.3");
  EXPECT_EQ(ok.content["exact"], true);
  const auto converted = tool.invoke({{"expression", "5 km in miles"}}, {});
  EXPECT_EQ(converted.content["unit"], "mile");
  const auto bad = tool.invoke({{"expression", "2 +* 3"}}, {});
  EXPECT_TRUE(bad.is_error);
  EXPECT_THAT(bad.error_message, HasSubstr("unexpected '*' at position 4"));
  EXPECT_TRUE(tool.invoke({{"expression", 5}}, {}).is_error);
}

}  // namespace
}  // namespace lv::tools
