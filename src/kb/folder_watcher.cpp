#include "kb/folder_watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <system_error>

#include "util/error.h"
#include "util/log.h"

namespace lv::kb {
namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t kMask = IN_CREATE | IN_DELETE | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB |
                                IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

// Adds a watch for `dir` and every folder below it; returns false when the kernel's watch limit is reached.
bool watch_tree(int fd, const fs::path& dir, std::map<int, fs::path>& watches) {
  const int wd = inotify_add_watch(fd, dir.c_str(), kMask);
  if (wd < 0) {
    if (errno == ENOSPC) return false;
    log::warn("cannot watch a knowledge subfolder", {{"path", dir.string()}, {"reason", std::strerror(errno)}});
    return true;
  }
  watches[wd] = dir;
  std::error_code error;
  for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, error), end; !error && it != end;
       it.increment(error)) {
    std::error_code type_error;
    if (it->is_directory(type_error) && !it->is_symlink(type_error)) {
      if (!watch_tree(fd, it->path(), watches)) return false;
    }
  }
  return true;
}

}  // namespace

FolderWatcher::FolderWatcher(fs::path root, std::function<void()> on_change, int quiet_ms)
    : root_(std::move(root)),
      on_change_(std::move(on_change)),
      quiet_ms_(quiet_ms),
      inotify_(inotify_init1(IN_NONBLOCK | IN_CLOEXEC)),
      wakeup_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (inotify_.get() < 0 || wakeup_.get() < 0) {
    throw Error(std::string("cannot watch the knowledge folder: ") + std::strerror(errno),
                "raise fs.inotify.max_user_instances, or restart to pick up changes");
  }
  if (!watch_tree(inotify_.get(), root_, watches_)) {
    throw Error("too many folders to watch under '" + root_.string() + "' (the inotify watch limit is reached)",
                "raise it: sudo sysctl fs.inotify.max_user_watches=524288");
  }
  if (watches_.empty()) {
    throw Error("cannot watch the knowledge folder '" + root_.string() + "'", "check that it exists and is readable");
  }
  thread_ = std::jthread([this](const std::stop_token& stop) { run(stop); });
}

FolderWatcher::~FolderWatcher() {
  thread_.request_stop();
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(wakeup_.get(), &one, sizeof(one));
  if (thread_.joinable()) thread_.join();
}

void FolderWatcher::run(const std::stop_token& stop) {
  auto& watches = watches_;
  alignas(inotify_event) std::array<char, 16384> buffer{};
  bool pending = false;
  while (!stop.stop_requested()) {
    std::array<pollfd, 2> fds{{{inotify_.get(), POLLIN, 0}, {wakeup_.get(), POLLIN, 0}}};
    const int ready = ::poll(fds.data(), fds.size(), pending ? quiet_ms_ : -1);
    if (stop.stop_requested()) break;
    if (ready < 0) {
      if (errno == EINTR) continue;
      log::warn("knowledge folder watcher stopped", {{"reason", std::strerror(errno)}});
      return;
    }
    if (ready == 0) {
      pending = false;
      on_change_();
      continue;
    }
    if ((fds[0].revents & POLLIN) == 0) continue;
    for (;;) {
      const ssize_t length = ::read(inotify_.get(), buffer.data(), buffer.size());
      if (length <= 0) break;
      for (ssize_t offset = 0; offset < length;) {
        const auto* event = reinterpret_cast<const inotify_event*>(buffer.data() + offset);
        offset += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
        pending = true;
        if ((event->mask & IN_Q_OVERFLOW) != 0) continue;  // the next sync rescans everything anyway
        if ((event->mask & IN_IGNORED) != 0) {
          watches.erase(event->wd);
          continue;
        }
        if ((event->mask & IN_ISDIR) != 0 && (event->mask & (IN_CREATE | IN_MOVED_TO)) != 0 && event->len > 0) {
          const auto parent = watches.find(event->wd);
          if (parent != watches.end()) {
            // A new folder (maybe already holding files): watch it; the debounced sync finds its files.
            if (!watch_tree(inotify_.get(), parent->second / event->name, watches)) {
              log::warn("inotify watch limit reached; new subfolders are not watched",
                        {{"fix", "sudo sysctl fs.inotify.max_user_watches=524288"}});
            }
          }
        }
      }
    }
  }
}

}  // namespace lv::kb
