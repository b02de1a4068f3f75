#include "tools/tool_registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "util/error.h"

namespace lv::tools {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class EchoTool final : public Tool {
 public:
  explicit EchoTool(std::string name, ToolPolicy policy = ToolPolicy::allow, bool throws = false)
      : name_(std::move(name)), policy_(policy), throws_(throws) {}
  std::string name() const override { return name_; }
  std::string description() const override { return "Echoes its text"; }
  json parameters() const override {
    return {{"type", "object"}, {"properties", {{"text", {{"type", "string"}}}}}, {"required", {"text"}}};
  }
  ToolPolicy default_policy() const override { return policy_; }

 protected:
  ToolResult run(const json& arguments, std::stop_token /*stop*/) const override {
    if (throws_) throw Error("the disk is full", "free some space");
    return ToolResult::ok({{"text", arguments.at("text")}});
  }

 private:
  std::string name_;
  ToolPolicy policy_;
  bool throws_;
};

TEST(Tool, InvokeValidatesBeforeRunningAndNeverThrows) {
  const EchoTool echo("echo");
  const auto ok = echo.invoke({{"text", "hi"}}, {});
  EXPECT_FALSE(ok.is_error);
  EXPECT_EQ(ok.content["text"], "hi");

  const auto missing = echo.invoke(json::object(), {});
  EXPECT_TRUE(missing.is_error);
  EXPECT_THAT(missing.error_message, HasSubstr("'text' is required"));

  const EchoTool failing("failing", ToolPolicy::allow, true);
  const auto failed = failing.invoke({{"text", "hi"}}, {});
  EXPECT_TRUE(failed.is_error);
  EXPECT_THAT(failed.error_message, HasSubstr("the disk is full"));
}

TEST(ToolRegistry, FindsAndListsByNameAndRefusesDuplicates) {
  ToolRegistry registry;
  registry.add(std::make_shared<EchoTool>("zeta"));
  registry.add(std::make_shared<EchoTool>("alpha"));
  ASSERT_NE(registry.find("alpha"), nullptr);
  EXPECT_EQ(registry.find("beta"), nullptr);
  const auto listed = registry.list();
  ASSERT_EQ(listed.size(), 2U);
  EXPECT_EQ(listed[0]->name(), "alpha");
  EXPECT_THROW(registry.add(std::make_shared<EchoTool>("alpha")), Error);
}

TEST(ToolRegistry, ReservesDottedNamesForServerTools) {
  ToolRegistry registry;
  EXPECT_THROW(registry.add(std::make_shared<EchoTool>("files.read")), std::invalid_argument);
  EXPECT_THROW(registry.add(std::make_shared<EchoTool>("Bad Name")), std::invalid_argument);
  registry.add(std::make_shared<EchoTool>("files.read"), true);
  EXPECT_NE(registry.find("files.read"), nullptr);
}

TEST(ToolRegistry, ConfiguredPoliciesOverrideTheToolsHint) {
  ToolRegistry registry;
  registry.add(std::make_shared<EchoTool>("echo"));
  registry.add(std::make_shared<EchoTool>("careful", ToolPolicy::confirm));
  EXPECT_EQ(registry.policy("echo"), ToolPolicy::allow);
  EXPECT_EQ(registry.policy("careful"), ToolPolicy::confirm);
  EXPECT_EQ(registry.policy("unknown"), ToolPolicy::deny);
  registry.set_policies({{{"echo", ToolPolicy::deny}, {"careful", ToolPolicy::allow}}});
  EXPECT_EQ(registry.policy("echo"), ToolPolicy::deny);
  EXPECT_EQ(registry.policy("careful"), ToolPolicy::allow);
}

TEST(ToolRegistry, APolicyForAnUnknownToolIsAnErrorListingTheTools) {
  ToolRegistry registry;
  registry.add(std::make_shared<EchoTool>("echo"));
  try {
    registry.set_policies({{{"ecko", ToolPolicy::deny}}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("'ecko'"));
    EXPECT_THAT(e.fix(), HasSubstr("echo"));
  }
}

TEST(ToolPolicy, ParsesItsNames) {
  EXPECT_EQ(parse_policy("confirm"), ToolPolicy::confirm);
  EXPECT_EQ(parse_policy("maybe"), std::nullopt);
  EXPECT_EQ(policy_name(ToolPolicy::deny), "deny");
}

}  // namespace
}  // namespace lv::tools

namespace lv::tools {
namespace {

TEST(PolicyOverrides, ReadsTheThreeLists) {
  const auto overrides = policy_overrides("get_time, calculate", "set_timer", " cancel_timer ,");
  EXPECT_EQ(overrides.by_name.at("get_time"), ToolPolicy::allow);
  EXPECT_EQ(overrides.by_name.at("calculate"), ToolPolicy::allow);
  EXPECT_EQ(overrides.by_name.at("set_timer"), ToolPolicy::confirm);
  EXPECT_EQ(overrides.by_name.at("cancel_timer"), ToolPolicy::deny);
  EXPECT_EQ(overrides.by_name.size(), 4U);
  EXPECT_THROW(policy_overrides("set_timer", "", "set_timer"), Error);
}

}  // namespace
}  // namespace lv::tools
