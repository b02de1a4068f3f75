#include "kb/folder_watcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "support/test_paths.h"
#include "util/error.h"

namespace lv::kb {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

bool wait_for(const std::atomic<int>& counter, int at_least) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (counter.load() < at_least && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
  return counter.load() >= at_least;
}

TEST(FolderWatcherTest, ReportsChangesAnywhereInTheTreeIncludingNewFolders) {
  const test::TempDir dir;
  fs::create_directories(dir / "existing");
  std::atomic<int> changes{0};
  const FolderWatcher watcher(
      dir.path(), [&changes] { ++changes; }, 50);

  std::ofstream(dir / "existing" / "a.md") << "a";
  ASSERT_TRUE(wait_for(changes, 1)) << "a file in an existing subfolder";

  fs::create_directories(dir / "fresh");
  ASSERT_TRUE(wait_for(changes, 2)) << "creating a folder";
  std::this_thread::sleep_for(100ms);
  const int before = changes.load();
  std::ofstream(dir / "fresh" / "b.md") << "b";
  ASSERT_TRUE(wait_for(changes, before + 1)) << "a file in a folder created after the watcher started";

  const int before_delete = changes.load();
  fs::remove(dir / "existing" / "a.md");
  ASSERT_TRUE(wait_for(changes, before_delete + 1)) << "a deletion";
}

TEST(FolderWatcherTest, DebouncesBurstsIntoOneCall) {
  const test::TempDir dir;
  std::atomic<int> changes{0};
  const FolderWatcher watcher(
      dir.path(), [&changes] { ++changes; }, 300);
  for (int i = 0; i < 20; ++i) std::ofstream(dir / ("f" + std::to_string(i) + ".txt")) << i;
  ASSERT_TRUE(wait_for(changes, 1));
  std::this_thread::sleep_for(500ms);
  EXPECT_LT(changes.load(), 5) << "twenty quick writes are not twenty syncs";
}

TEST(FolderWatcherTest, RefusesAMissingFolder) {
  const test::TempDir dir;
  EXPECT_THROW(FolderWatcher(dir / "missing", [] {}), Error);
}

TEST(FolderWatcherTest, StopsPromptlyWhenDestroyed) {
  const test::TempDir dir;
  {
    const FolderWatcher watcher(dir.path(), [] {});
  }
  SUCCEED();  // joining would hang here if the thread missed the stop
}

}  // namespace
}  // namespace lv::kb
