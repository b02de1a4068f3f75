// Watches a folder tree with inotify and reports, on its own thread, that something in it changed.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <thread>

#include "util/unique_fd.h"

namespace lv::kb {

// Subfolders are watched too, including ones created later. Changes are debounced: `on_change` runs once
// `quiet_ms` passed without a new event (an editor's save or a copied tree is one call, not hundreds).
// `on_change` runs on the watcher's thread and must not throw.
class FolderWatcher {
 public:
  // Throws lv::Error when inotify is unavailable or the folder cannot be watched.
  FolderWatcher(std::filesystem::path root, std::function<void()> on_change, int quiet_ms = 300);
  ~FolderWatcher();  // stops and joins
  FolderWatcher(const FolderWatcher&) = delete;
  FolderWatcher& operator=(const FolderWatcher&) = delete;

 private:
  void run(const std::stop_token& stop);

  std::filesystem::path root_;
  std::function<void()> on_change_;
  int quiet_ms_;
  util::UniqueFd inotify_;
  util::UniqueFd wakeup_;                         // eventfd: written on stop so poll() returns at once
  std::map<int, std::filesystem::path> watches_;  // watch id -> folder; the thread's alone once it runs
  std::jthread thread_;
};

}  // namespace lv::kb
