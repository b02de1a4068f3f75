#include "tools/argument_check.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lv::tools {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const json kSchema = {{"type", "object"},
                      {"properties",
                       {{"duration_s", {{"type", "number"}, {"minimum", 1}}},
                        {"count", {{"type", "integer"}}},
                        {"label", {{"type", "string"}}},
                        {"unit", {{"type", "string"}, {"enum", {"km", "mi"}}}}}},
                      {"required", {"duration_s"}}};

TEST(ArgumentCheck, AcceptsArgumentsThatFit) {
  EXPECT_EQ(check_arguments(kSchema, {{"duration_s", 60}}), std::nullopt);
  EXPECT_EQ(check_arguments(kSchema, {{"duration_s", 1.5}, {"label", "pasta"}, {"count", 2.0}, {"unit", "km"}}),
            std::nullopt);
}

TEST(ArgumentCheck, NamesTheMissingRequiredField) {
  EXPECT_THAT(check_arguments(kSchema, {{"label", "x"}}).value(), HasSubstr("'duration_s' is required"));
}

TEST(ArgumentCheck, NamesTheFieldOfTheWrongType) {
  EXPECT_THAT(check_arguments(kSchema, {{"duration_s", "ten"}}).value(), HasSubstr("'duration_s' must be a number"));
  EXPECT_THAT(check_arguments(kSchema, {{"duration_s", 5}, {"count", 1.5}}).value(),
              HasSubstr("'count' must be an integer"));
  EXPECT_THAT(check_arguments(kSchema, {{"duration_s", 5}, {"label", 3}}).value(),
              HasSubstr("'label' must be a string"));
}

TEST(ArgumentCheck, RefusesValuesOutsideEnumAndBounds) {
  EXPECT_THAT(check_arguments(kSchema, {{"duration_s", 5}, {"unit", "yd"}}).value(),
              HasSubstr("'unit' must be one of"));
  EXPECT_THAT(check_arguments(kSchema, {{"duration_s", 0}}).value(), HasSubstr("'duration_s' must be at least 1"));
}

TEST(ArgumentCheck, RefusesUnknownArgumentsAndNonObjects) {
  EXPECT_THAT(check_arguments(kSchema, {{"duration_s", 5}, {"lable", "x"}}).value(),
              HasSubstr("unknown argument 'lable'"));
  EXPECT_THAT(check_arguments(kSchema, json::array()).value(), HasSubstr("must be a JSON object"));
}

}  // namespace
}  // namespace lv::tools
