#include "app/kb_command.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/test_paths.h"
#include "util/error.h"

namespace lv::app {
namespace {

namespace fs = std::filesystem;

class KbCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_ / "kb");
    std::ofstream(dir_ / "kb" / "boiler.md")
        << "# Heating\n\n## Pressure\n\nThe boiler pressure should read 1.2 bar.\n";
    std::ofstream(dir_ / "kb" / "bread.txt") << "Bake the sourdough at 250 degrees.\n";
  }

  // Runs `localvoice kb ARGS...`; returns stdout (stderr in err_).
  std::string run(std::vector<std::string> args) {
    CLI::App root("localvoice");
    std::ostringstream out;
    err_.str("");
    KbCommandContext context;
    context.load_config = [this] {
      config::Config config;
      config.paths.data_dir = dir_ / "data";
      config.paths.kb_dir = dir_ / "kb";
      return config;
    };
    context.out = &out;
    context.err = &err_;
    add_kb_command(root, context);
    args.insert(args.begin(), "kb");
    std::reverse(args.begin(), args.end());
    root.parse(args);
    return out.str();
  }

  test::TempDir dir_;
  std::ostringstream err_;
};

TEST_F(KbCommandTest, SearchPrintsRankedChunksWithSourceHeadingAndScore) {
  const std::string out = run({"search", "boiler pressure"});
  EXPECT_EQ(out.rfind("1. boiler.md — Heating > Pressure  (score ", 0), 0U) << out;
  EXPECT_NE(out.find("1.2 bar"), std::string::npos) << out;
  EXPECT_EQ(out.find("bread.txt"), std::string::npos) << out;
  EXPECT_NE(err_.str().find("indexed 2/2"), std::string::npos) << err_.str();
  EXPECT_EQ(run({"search", "unicorn saddle"}), "no matches for \"unicorn saddle\"\n");
}

TEST_F(KbCommandTest, SearchAsJsonHonoursK) {
  const auto results = nlohmann::json::parse(run({"search", "boiler bake", "--k", "1", "--json"}));
  ASSERT_EQ(results.size(), 1U);
  EXPECT_TRUE(results[0].contains("score"));
  EXPECT_TRUE(results[0].contains("heading"));
  EXPECT_EQ(results[0]["dense_rank"], 0);
  EXPECT_THROW(run({"search", "x", "--k", "-3"}), Error);
}

TEST_F(KbCommandTest, AddCopiesFilesAndListShowsThem) {
  std::ofstream(dir_ / "ferry.md") << "# Ferry\n\nThe ferry leaves at 07:40.\n";
  const std::string added = run({"add", (dir_ / "ferry.md").string()});
  EXPECT_NE(added.find("added ferry.md (1 chunk, id "), std::string::npos) << added;
  EXPECT_TRUE(fs::exists(dir_ / "kb" / "ferry.md"));
  const std::string list = run({"list"});
  EXPECT_NE(list.find("ferry.md"), std::string::npos) << list;
  EXPECT_NE(list.find("boiler.md"), std::string::npos) << list;
  const auto json = nlohmann::json::parse(run({"list", "--json"}));
  EXPECT_EQ(json.size(), 3U);
  EXPECT_NE(run({"search", "ferry"}).find("ferry.md"), std::string::npos);
}

TEST_F(KbCommandTest, AddReportsEachBadFileAndFailsAtTheEnd) {
  std::ofstream(dir_ / "ok.md") << "fine\n";
  std::ofstream(dir_ / "photo.jpg") << "\xff\xd8\xff";
  EXPECT_THROW(run({"add", (dir_ / "photo.jpg").string(), (dir_ / "missing.md").string(), (dir_ / "ok.md").string()}),
               Error);
  EXPECT_NE(err_.str().find("photo.jpg"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("fix:"), std::string::npos) << err_.str();
  EXPECT_TRUE(fs::exists(dir_ / "kb" / "ok.md")) << "good files are still added";
}

TEST_F(KbCommandTest, RebuildReindexesEverything) {
  run({"list"});
  const std::string out = run({"rebuild"});
  EXPECT_NE(out.find("2 document(s) indexed: 2 added"), std::string::npos) << out;
}

}  // namespace
}  // namespace lv::app
