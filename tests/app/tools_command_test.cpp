#include "app/tools_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

#include "support/test_paths.h"
#include "util/error.h"

namespace lv::app {
namespace {

using ::testing::HasSubstr;

class ToolsCommandTest : public ::testing::Test {
 protected:
  std::string run(std::vector<std::string> args) {
    CLI::App app;
    add_tools_command(app, {[this] { return config_; }, &out_});
    args.insert(args.begin(), "tools");
    std::reverse(args.begin(), args.end());  // CLI11 takes a vector in reverse order
    out_.str("");
    app.parse(args);
    return out_.str();
  }

  void SetUp() override { config_.paths.data_dir = dir_ / "data"; }

  test::TempDir dir_;
  config::Config config_;
  std::ostringstream out_;
};

TEST_F(ToolsCommandTest, ListsEveryBuiltInWithItsSchemaAndPolicy) {
  config_.tools.confirm = "set_timer";
  config_.tools.deny = "cancel_timer";
  const auto body = nlohmann::json::parse(run({"list", "--json"}));
  EXPECT_EQ(body["object"], "list");
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& tool : body["data"]) by_name[tool["name"]] = tool;
  ASSERT_EQ(by_name.size(), 7U);
  EXPECT_EQ(by_name["get_time"]["policy"], "allow");
  EXPECT_EQ(by_name["set_timer"]["policy"], "confirm");
  EXPECT_EQ(by_name["cancel_timer"]["policy"], "deny");
  EXPECT_EQ(by_name["set_timer"]["parameters"]["required"], nlohmann::json::array({"duration_s"}));
  EXPECT_EQ(by_name["calculate"]["parameters"]["properties"]["expression"]["type"], "string");
}

TEST_F(ToolsCommandTest, TextListingNamesToolsAndArguments) {
  const auto text = run({"list"});
  EXPECT_THAT(text, HasSubstr("set_timer (duration_s: number, label?: string) [allow]"));
  EXPECT_THAT(text, HasSubstr("calculate (expression: string)"));
}

TEST_F(ToolsCommandTest, APolicyForAnUnknownToolIsAnError) {
  config_.tools.deny = "set_timmer";
  EXPECT_THROW(run({"list"}), Error);
}

}  // namespace
}  // namespace lv::app
