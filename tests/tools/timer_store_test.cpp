#include "tools/timer_store.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include "support/test_paths.h"
#include "util/sqlite_database.h"

namespace lv::tools {
namespace {

TimerEntry timer(std::string label, std::int64_t due_ms) {
  TimerEntry entry;
  entry.label = std::move(label);
  entry.created_at_ms = 1000;
  entry.due_at_ms = due_ms;
  entry.duration_ms = due_ms - 1000;
  return entry;
}

TEST(TimerStore, KeepsEntriesSoonestFirst) {
  const test::TempDir dir;
  TimerStore store(timer_database_path(dir.path()));
  const auto later = store.add(timer("tea", 9000));
  const auto sooner = store.add(timer("eggs", 5000));
  EXPECT_NE(later.id, sooner.id);
  const auto all = store.list();
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0].label, "eggs");
  EXPECT_EQ(store.due(6000).size(), 1U);
  EXPECT_EQ(store.next_due_ms(), 5000);
  EXPECT_TRUE(store.remove(sooner.id));
  EXPECT_FALSE(store.remove(sooner.id));
  EXPECT_EQ(store.find(later.id)->label, "tea");
}

TEST(TimerStore, EntriesSurviveReopening) {
  const test::TempDir dir;
  std::int64_t id = 0;
  {
    TimerStore store(timer_database_path(dir.path()));
    id = store.add(timer("pasta", 600'000)).id;
  }
  TimerStore reopened(timer_database_path(dir.path()));
  const auto found = reopened.find(id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->label, "pasta");
  EXPECT_EQ(found->due_at_ms, 600'000);
  sqlite::Database raw(timer_database_path(dir.path()), 1000);
  EXPECT_EQ(raw.query_text("PRAGMA journal_mode"), "wal");
}

TEST(TimerStore, AnEntryIsOnDiskWhenAddReturnsEvenIfTheProcessIsKilled) {
  const test::TempDir dir;
  const auto path = timer_database_path(dir.path());
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    TimerStore store(path);
    store.add(timer("killed", 42'000));
    std::raise(SIGKILL);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  TimerStore reopened(path);
  const auto all = reopened.list();
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(all[0].label, "killed");
}

}  // namespace
}  // namespace lv::tools
