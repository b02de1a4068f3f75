#include "api/model_routes.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "api/json_body.h"

namespace lv::api {
namespace {

std::string sse(const std::string& event, const nlohmann::json& data) {
  return "event: " + event + "\ndata: " + data.dump() + "\n\n";
}

nlohmann::json progress_event(const models::PullProgress& progress) {
  nlohmann::json event{{"model", progress.model},
                       {"file", progress.file},
                       {"have_bytes", progress.have_bytes},
                       {"total_bytes", progress.total_bytes},
                       {"bytes_per_s", std::round(progress.bytes_per_s)},
                       {"done", progress.done}};
  if (progress.eta_s >= 0) {
    event["eta_s"] = std::round(progress.eta_s * 10) / 10;
  }
  return event;
}

nlohmann::json catalog_json(const models::ModelDownloads& downloads) {
  const auto& store = downloads.store();
  const auto missing = downloads.missing();
  const auto& profile = store.catalog().profile(downloads.profile());
  nlohmann::json models = nlohmann::json::array();
  std::uint64_t missing_bytes = 0;
  for (const auto& status : store.list()) {
    const auto& model = *status.model;
    const bool recommended =
        std::find(profile.models.begin(), profile.models.end(), model.name) != profile.models.end();
    if (recommended && !status.installed) {
      missing_bytes += model.size_bytes();
    }
    models.push_back({{"name", model.name},
                      {"role", models::role_name(model.role)},
                      {"description", model.description},
                      {"license", model.license},
                      {"size_bytes", model.size_bytes()},
                      {"installed", status.installed},
                      {"recommended", recommended}});
  }
  return {{"profile", downloads.profile()},
          {"offline", downloads.offline()},
          {"models", std::move(models)},
          {"missing", missing},
          {"missing_bytes", missing_bytes}};
}

server::HttpResponse start_pull(models::ModelDownloads& downloads, const server::HttpRequest& request) {
  if (!request.body.empty()) {
    const auto body = parse_json_object(request);
    if (const auto profile = optional_string(body, "profile"); profile && *profile != downloads.profile()) {
      throw server::HttpError(400, "this server downloads the '" + downloads.profile() + "' profile, not '" + *profile +
                                       "'; start it with --profile " + *profile + " for that one");
    }
  }
  const nlohmann::json missing = downloads.missing();
  switch (downloads.start()) {
    case models::DownloadStart::offline:
      return server::error_response(
          409,
          "LocalVoice was started offline (--offline or HF_HUB_OFFLINE=1), so it downloads nothing; start it "
          "without --offline, or run `localvoice models pull --profile " +
              downloads.profile() + "`",
          "invalid_request_error", "offline");
    case models::DownloadStart::nothing_missing:
      return server::HttpResponse::json(
          nlohmann::json{{"state", "done"}, {"profile", downloads.profile()}, {"missing", missing}}.dump(), 200);
    case models::DownloadStart::started:
    case models::DownloadStart::running:
      break;
  }
  return server::HttpResponse::json(
      nlohmann::json{{"state", "pulling"}, {"profile", downloads.profile()}, {"missing", missing}}.dump(), 202);
}

}  // namespace

void add_model_routes(server::Router& router, std::shared_ptr<const models::PullMonitor> monitor) {
  router.add("GET", "/v1/models/pull", [monitor = std::move(monitor)](const server::HttpRequest&) {
    server::HttpResponse response;
    response.content_type = "text/event-stream";
    response.headers.emplace_back("Cache-Control", "no-cache");
    response.stream = [monitor](server::ResponseStream& out) {
      // No version is this large: the first snapshot is always sent, even before any download started.
      std::uint64_t seen = std::numeric_limits<std::uint64_t>::max();
      std::vector<models::PullProgress> sent;
      while (!out.client_gone()) {
        const auto snapshot = monitor->wait_for_change(seen, std::chrono::milliseconds(500));
        if (snapshot.version == seen) {
          continue;  // nothing new; look again whether the client is still there
        }
        seen = snapshot.version;
        for (const auto& file : snapshot.files) {
          const bool changed = std::none_of(sent.begin(), sent.end(), [&file](const models::PullProgress& s) {
            return s.model == file.model && s.file == file.file && s.have_bytes == file.have_bytes &&
                   s.done == file.done;
          });
          if (changed && !out.write(sse("progress", progress_event(file)))) {
            return;
          }
        }
        sent = snapshot.files;
        switch (snapshot.state) {
          case models::PullState::idle:
            out.write(sse("idle", nlohmann::json::object()));
            return;
          case models::PullState::done:
            out.write(sse("done", {{"profile", snapshot.profile}}));
            return;
          case models::PullState::failed:
            out.write(sse("error", {{"profile", snapshot.profile}, {"message", snapshot.error}}));
            return;
          case models::PullState::pulling:
            break;
        }
      }
    };
    return response;
  });
}

void add_model_routes(server::Router& router, std::shared_ptr<const models::PullMonitor> monitor,
                      const std::shared_ptr<models::ModelDownloads>& downloads) {
  add_model_routes(router, std::move(monitor));
  router.add("GET", "/v1/models/catalog", [downloads](const server::HttpRequest&) {
    return server::HttpResponse::json(catalog_json(*downloads).dump());
  });
  router.add("POST", "/v1/models/pull",
             [downloads](const server::HttpRequest& request) { return start_pull(*downloads, request); });
}

}  // namespace lv::api
