// The recommended models in a running server: fetched on first run when the network allows, then swapped in.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "api/realtime_broadcast.h"
#include "app/engine_loader.h"
#include "config/config.h"
#include "models/model_downloads.h"
#include "models/pull_monitor.h"

namespace lv::app {

struct RecommendedModelsOptions {
  std::string profile{kRecommendedProfile};
  bool offline = false;  // --offline or HF_HUB_OFFLINE=1
};

// Owns the server's engine loading: the configured engines at start, and the downloaded ones later. Every
// load runs under one lock, so a download finishing while start-up still loads cannot race it.
class RecommendedModels {
 public:
  // `base` is the configuration as the user wrote it; the engines in use follow it plus what is installed.
  RecommendedModels(config::Config base, EngineLoaderDeps loader, std::shared_ptr<models::PullMonitor> monitor,
                    std::shared_ptr<api::RealtimeBroadcast> broadcast, RecommendedModelsOptions options);
  ~RecommendedModels();  // stops a running download first: its completion calls back into this object
  RecommendedModels(const RecommendedModels&) = delete;
  RecommendedModels& operator=(const RecommendedModels&) = delete;

  // Loads the engines the configuration and the installed models name.
  void load_engines();
  // `serve --pull`: downloads the profile's missing models and waits (or reports offline to watchers).
  void pull_and_wait(const std::atomic<bool>& stopping);
  // The first run: when models are missing and their source answers one quick probe, downloads them in the
  // background; the engines are swapped in when they arrive. Offline: nothing, not even the probe.
  void start_if_missing();

  std::shared_ptr<models::ModelDownloads> downloads() const { return downloads_; }

 private:
  void on_downloaded(bool ok);

  config::Config base_;
  EngineLoaderDeps loader_;
  std::shared_ptr<models::PullMonitor> monitor_;
  std::shared_ptr<api::RealtimeBroadcast> broadcast_;
  RecommendedModelsOptions options_;
  std::mutex mutex_;
  config::Config in_use_;                              // the configuration of the engines loaded now
  bool engines_loaded_ = false;                        // load_engines() has run
  std::shared_ptr<models::ModelDownloads> downloads_;  // shared with the routes that start and show downloads
};

}  // namespace lv::app
