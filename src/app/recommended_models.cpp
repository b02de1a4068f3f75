#include "app/recommended_models.h"

#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "app/session_factory.h"
#include "models/progress_printer.h"
#include "util/log.h"

namespace lv::app {
namespace {

// How long the first run waits for the model source to answer before it treats the machine as offline.
constexpr std::chrono::milliseconds kSourceProbeTimeout{3000};

std::string swapped_names(const std::vector<engine::EngineKind>& kinds, const config::Config& in_use) {
  std::string names;
  for (const auto& [kind, url] : configured_engines(in_use)) {
    if (std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) {
      names += (names.empty() ? "" : ", ") + std::string(engine::kind_label(kind)) + " (" + url + ")";
    }
  }
  return names;
}

}  // namespace

RecommendedModels::RecommendedModels(config::Config base, EngineLoaderDeps loader,
                                     std::shared_ptr<models::PullMonitor> monitor,
                                     std::shared_ptr<api::RealtimeBroadcast> broadcast,
                                     RecommendedModelsOptions options)
    : base_(std::move(base)),
      loader_(loader),
      monitor_(std::move(monitor)),
      broadcast_(std::move(broadcast)),
      options_(std::move(options)),
      in_use_(base_) {
  loader_.config = &base_;
  auto store = std::make_shared<models::ModelStore>(
      configured_catalog(base_), models::StoreOptions{base_.paths.models_dir, models::store_environment()});
  models::ModelDownloadsOptions download_options;
  download_options.profile = options_.profile;
  download_options.offline = options_.offline || store->offline();
  download_options.on_finished = [this](bool ok) { on_downloaded(ok); };
  download_options.on_progress = models::progress_printer(std::cerr, isatty(STDERR_FILENO) != 0);
  downloads_ = std::make_shared<models::ModelDownloads>(std::move(store), monitor_, std::move(download_options));
}

RecommendedModels::~RecommendedModels() { downloads_->stop(); }

void RecommendedModels::load_engines() {
  const std::lock_guard lock(mutex_);
  in_use_ = with_installed_profile_engines(base_, downloads_->store(), options_.profile);
  app::load_engines(loader_, configured_engines(in_use_));
  engines_loaded_ = true;
}

void RecommendedModels::pull_and_wait(const std::atomic<bool>& stopping) {
  switch (downloads_->start()) {
    case models::DownloadStart::offline:
      monitor_->fail("HF_HUB_OFFLINE=1 (or --offline) forbids downloading models; unset it, or copy the files into " +
                     base_.paths.models_dir.string());
      log::error("model download skipped: offline", {{"fix", "unset HF_HUB_OFFLINE and drop --offline"}});
      return;
    case models::DownloadStart::nothing_missing:
      monitor_->start(options_.profile);
      monitor_->finish();
      return;
    case models::DownloadStart::started:
    case models::DownloadStart::running:
      break;
  }
  auto snapshot = monitor_->snapshot();
  while (snapshot.state == models::PullState::pulling && !stopping) {
    snapshot = monitor_->wait_for_change(snapshot.version, std::chrono::milliseconds(200));
  }
}

void RecommendedModels::start_if_missing() {
  const auto missing = downloads_->missing();
  if (missing.empty()) {
    return;
  }
  std::string names;
  for (const auto& name : missing) {
    names += (names.empty() ? "" : ", ") + name;
  }
  if (downloads_->offline() || !downloads_->source_reachable(kSourceProbeTimeout)) {
    log::info("models that would improve LocalVoice are not installed",
              {{"missing", names}, {"fix", "localvoice models pull --profile " + options_.profile}});
    return;
  }
  log::info("downloading the recommended models in the background",
            {{"profile", options_.profile}, {"missing", names}, {"opt_out", "--offline or HF_HUB_OFFLINE=1"}});
  (void)downloads_->start();
}

void RecommendedModels::on_downloaded(bool ok) {
  // Even a pull that failed part-way may have installed some models: those are swapped in too.
  (void)ok;
  const std::lock_guard lock(mutex_);
  if (!engines_loaded_) {
    return;  // `serve --pull`: the start-up load that follows picks up what was installed
  }
  const auto next = with_installed_profile_engines(base_, downloads_->store(), options_.profile);
  const auto swapped = swap_changed_engines(loader_, in_use_, next);
  in_use_ = next;
  if (swapped.empty() || !broadcast_) {
    return;
  }
  const auto sent = broadcast_->engines_updated(
      engine_notes(*loader_.board),
      "New models are ready: " + swapped_names(swapped, in_use_) + ". New conversations use them.");
  log::info("open conversations told about the new engines", {{"connections", sent}});
}

}  // namespace lv::app
