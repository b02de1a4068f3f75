// Watches a folder tree with inotify and reports, on its own thread, that something in it changed.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <thread>

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
  class Fd {
   public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd();
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

   private:
    int fd_;
  };

  void run(const std::stop_token& stop);

  std::filesystem::path root_;
  std::function<void()> on_change_;
  int quiet_ms_;
  Fd inotify_;
  Fd wakeup_;                                     // eventfd: written on stop so poll() returns at once
  std::map<int, std::filesystem::path> watches_;  // watch id -> folder; the thread's alone once it runs
  std::jthread thread_;
};

}  // namespace lv::kb
