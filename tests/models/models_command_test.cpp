#include "app/models_command.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "models/file_hash.h"
#include "net/fixture_http_server.h"
#include "support/test_paths.h"
#include "util/error.h"

namespace lv::app {
namespace {

using Json = nlohmann::json;

class ModelsCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    content_ = std::string(50000, 'w');
    std::ofstream(dir_ / "w.bin", std::ios::binary) << content_;
    server_.on(
        "/org/repo/resolve/main/w.bin",
        [this](const lv::test::FixtureRequest&, lv::test::FixtureResponder& out) { out.send_file(dir_ / "w.bin"); });
    models::Hasher hasher;
    hasher.update(content_);
    const Json catalog = {
        {"schema_version", 1},
        {"models",
         {{{"name", "whisper:cli"},
           {"role", "stt"},
           {"description", "cli test"},
           {"license", "MIT"},
           {"ram_bytes", 1},
           {"verified", true},
           {"files",
            {{{"name", "w.bin"},
              {"size_bytes", content_.size()},
              {"sha256", hasher.finish().sha256},
              {"source", {{"huggingface", {{"repo", "org/repo"}, {"revision", "main"}, {"path", "w.bin"}}}}}}}}}}},
        {"profiles", {{"small", {{"description", ""}, {"ram_bytes", 1}, {"models", {"whisper:cli"}}}}}}};
    std::ofstream(dir_ / "catalog.json") << catalog.dump();
  }

  // Runs `localvoice models ARGS...` and returns stdout.
  std::string run(std::vector<std::string> args) {
    CLI::App root("localvoice");
    std::ostringstream out;
    std::ostringstream err;
    ModelsCommandContext context;
    context.models_dir = [this] { return dir_ / "models"; };
    context.env = {{"HF_ENDPOINT", server_.url()}, {"HOME", dir_.path().string()}};
    context.out = &out;
    context.err = &err;
    add_models_command(root, context);
    args.insert(args.begin(), {"models", "--catalog", (dir_ / "catalog.json").string()});
    std::reverse(args.begin(), args.end());
    root.parse(args);
    return out.str();
  }

  lv::test::TempDir dir_;
  lv::test::FixtureHttpServer server_;
  std::string content_;
};

TEST_F(ModelsCommand, ListPullPathVerifyRemove) {
  Json listed = Json::parse(run({"list", "--json"}));
  ASSERT_EQ(listed.size(), 1U);
  EXPECT_EQ(listed[0]["name"], "whisper:cli");
  EXPECT_FALSE(listed[0]["installed"].get<bool>());

  const std::string path = run({"path", "whisper:cli"});
  EXPECT_EQ(path, (dir_ / "models" / "whisper" / "cli" / "w.bin").string() + "\n");

  const std::string pulled = run({"pull", "--profile", "small"});
  EXPECT_NE(pulled.find("\"event\":\"installed\""), std::string::npos) << pulled;
  listed = Json::parse(run({"list", "--json"}));
  EXPECT_TRUE(listed[0]["installed"].get<bool>());
  EXPECT_NE(run({"verify"}).find("ok     whisper:cli"), std::string::npos);

  std::ofstream(dir_ / "models" / "whisper" / "cli" / "w.bin", std::ios::binary | std::ios::in | std::ios::out) << "x";
  try {
    run({"verify"});
    FAIL() << "verify should fail on a damaged file";
  } catch (const CLI::RuntimeError& error) {
    EXPECT_EQ(error.get_exit_code(), 1);
  }
  EXPECT_NE(run({"rm", "whisper:cli"}).find("whisper:cli: removed"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "models" / "whisper" / "cli" / "w.bin"));
}

TEST_F(ModelsCommand, PullNeedsNamesOrProfile) {
  EXPECT_THROW(run({"pull"}), lv::Error);
  EXPECT_THROW(run({"pull", "whisper:nope"}), lv::Error);
}

}  // namespace
}  // namespace lv::app
