// Background downloads of a profile's missing models, shared by the server's first run and the web UI.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "models/model_store.h"
#include "models/pull_monitor.h"

namespace lv::models {

enum class DownloadStart { started, running, nothing_missing, offline };

struct ModelDownloadsOptions {
  std::string profile = "small";
  bool offline = false;  // --offline or HF_HUB_OFFLINE=1: nothing is fetched, not even a reachability check
  // Whole pull finished (successfully or not); runs on the download thread.
  std::function<void(bool ok)> on_finished;
  // Progress of each file as it arrives (besides the monitor), e.g. for a terminal progress line.
  PullProgressFn on_progress;
};

// Thread-safe. At most one download runs at a time; start() never blocks on the network.
class ModelDownloads {
 public:
  ModelDownloads(std::shared_ptr<ModelStore> store, std::shared_ptr<PullMonitor> monitor,
                 ModelDownloadsOptions options);
  ~ModelDownloads();  // stops a running download (its partial files stay for a resume) and waits for it
  ModelDownloads(const ModelDownloads&) = delete;
  ModelDownloads& operator=(const ModelDownloads&) = delete;

  DownloadStart start();
  // Stops a running download (partial files stay for a resume) and waits for its thread; start() may run again.
  void stop();

  // One quick probe of where the first missing file comes from: true when that host answers at all (any
  // HTTP status). Used once at start-up so that an offline machine costs one fast failure, not a download.
  bool source_reachable(std::chrono::milliseconds timeout) const;

  const std::string& profile() const { return options_.profile; }
  bool offline() const { return options_.offline; }
  const ModelStore& store() const { return *store_; }
  std::vector<std::string> missing() const { return store_->missing(options_.profile); }

 private:
  void run(const std::stop_token& stop);

  std::shared_ptr<ModelStore> store_;
  std::shared_ptr<PullMonitor> monitor_;
  ModelDownloadsOptions options_;
  std::mutex mutex_;
  bool running_ = false;
  std::jthread worker_;
};

}  // namespace lv::models
