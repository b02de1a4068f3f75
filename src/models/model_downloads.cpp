#include "models/model_downloads.h"

#include "net/http_client.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::models {

ModelDownloads::ModelDownloads(std::shared_ptr<ModelStore> store, std::shared_ptr<PullMonitor> monitor,
                               ModelDownloadsOptions options)
    : store_(std::move(store)), monitor_(std::move(monitor)), options_(std::move(options)) {}

ModelDownloads::~ModelDownloads() { stop(); }

void ModelDownloads::stop() {
  std::jthread worker;
  {
    const std::lock_guard lock(mutex_);
    worker = std::move(worker_);
  }
  worker.request_stop();
  if (worker.joinable()) {
    worker.join();
  }
}

DownloadStart ModelDownloads::start() {
  if (options_.offline) {
    return DownloadStart::offline;
  }
  const std::lock_guard lock(mutex_);
  if (running_) {
    return DownloadStart::running;
  }
  if (store_->missing(options_.profile).empty()) {
    return DownloadStart::nothing_missing;
  }
  if (worker_.joinable()) {
    worker_.join();  // the previous pull has finished (running_ is false); reap its thread
  }
  running_ = true;
  // Pulling from the moment start() returns: a progress watcher never sees "idle" before the download starts.
  monitor_->start(options_.profile);
  worker_ = std::jthread([this](const std::stop_token& stop) { run(stop); });
  return DownloadStart::started;
}

void ModelDownloads::run(const std::stop_token& stop) {
  const auto missing = store_->missing(options_.profile);
  log::info("fetching missing models", {{"profile", options_.profile}, {"count", missing.size()}});
  bool ok = false;
  try {
    store_->pull_missing(
        options_.profile,
        [this](const PullProgress& progress) {
          monitor_->report(progress);
          if (options_.on_progress) {
            options_.on_progress(progress);
          }
        },
        [&stop] { return stop.stop_requested(); });
    monitor_->finish();
    ok = true;
    log::info("models downloaded", {{"profile", options_.profile}, {"count", missing.size()}});
  } catch (const Error& e) {
    // The server goes on with the engines it has; the UI and the log say what failed and how to retry.
    monitor_->fail(e.full_message());
    log::error("model download failed", {{"profile", options_.profile}, {"error", e.full_message()}});
  }
  {
    const std::lock_guard lock(mutex_);
    running_ = false;
  }
  if (options_.on_finished && !stop.stop_requested()) {
    options_.on_finished(ok);
  }
}

bool ModelDownloads::source_reachable(std::chrono::milliseconds timeout) const {
  if (options_.offline) {
    return false;
  }
  const auto missing = store_->missing(options_.profile);
  if (missing.empty()) {
    return false;
  }
  const auto& model = store_->catalog().get(missing.front());
  if (model.files.empty()) {
    return false;
  }
  net::HttpClientRequest probe;
  probe.method = "HEAD";
  probe.url = store_->download_url(model.files.front());
  probe.connect_timeout_ms = static_cast<int>(timeout.count());
  probe.total_timeout_ms = static_cast<int>(timeout.count());
  try {
    (void)net::http_request(probe);
    return true;
  } catch (const Error& e) {
    log::info(
        "model source not reachable; nothing is downloaded",
        {{"url", probe.url}, {"detail", e.what()}, {"fix", "localvoice models pull --profile " + options_.profile}});
    return false;
  }
}

}  // namespace lv::models
