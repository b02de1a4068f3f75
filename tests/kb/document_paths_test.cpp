#include "kb/document_paths.h"

#include <gtest/gtest.h>

#include <fstream>
#include <vector>

#include "support/test_paths.h"
#include "util/error.h"

namespace lv::kb {
namespace {

TEST(DocumentPathsTest, AcceptsPlainNamesAndSubfolders) {
  EXPECT_EQ(safe_document_name("notes.md"), std::filesystem::path("notes.md"));
  EXPECT_EQ(safe_document_name("a/b/c.pdf"), std::filesystem::path("a/b/c.pdf"));
  EXPECT_EQ(safe_document_name("a//b.md").generic_string(), "a/b.md");
  EXPECT_EQ(safe_document_name("Ünïcode name.txt"), std::filesystem::path("Ünïcode name.txt"));
}

TEST(DocumentPathsTest, RefusesNamesThatLeaveTheFolderOrHide) {
  for (const std::string& name :
       std::vector<std::string>{"", "../x.md", "a/../../x.md", "/etc/x.md", "./x.md", ".x.md", "a/.git/x.md", "a\\b.md",
                                std::string("a\0b.md", 6), "x.exe", "noextension", std::string(300, 'a') + ".md"}) {
    try {
      safe_document_name(name);
      ADD_FAILURE() << "accepted '" << name << "'";
    } catch (const Error& e) {
      EXPECT_FALSE(e.fix().empty()) << name;
    }
  }
}

TEST(DocumentPathsTest, TitlesHiddenPathsAndTimes) {
  EXPECT_EQ(document_title("guides/wifi-setup_v2.md"), "wifi setup v2");
  EXPECT_TRUE(is_hidden_path(".git/config.md"));
  EXPECT_TRUE(is_hidden_path("a/.notes.md.part123"));
  EXPECT_FALSE(is_hidden_path("a/notes.md"));
  const test::TempDir dir;
  std::ofstream(dir / "f.txt") << "x";
  EXPECT_GT(file_mtime_ns(dir / "f.txt"), 0);
  EXPECT_EQ(file_mtime_ns(dir / "missing.txt"), 0);
}

}  // namespace
}  // namespace lv::kb
