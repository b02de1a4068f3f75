#include "api/model_routes.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

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

}  // namespace lv::api
