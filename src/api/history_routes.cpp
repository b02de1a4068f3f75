#include "api/history_routes.h"

#include <charconv>
#include <limits>
#include <string>
#include <utility>

#include "api/history_json.h"
#include "history/markdown_export.h"
#include "util/error.h"

namespace lv::api {
namespace {

constexpr std::size_t kDefaultLimit = 20;
constexpr std::size_t kMaxLimit = 100;

std::size_t count_param(const server::HttpRequest& request, std::string_view name, std::size_t fallback,
                        std::size_t min, std::size_t max) {
  const auto text = request.query_param(name);
  if (!text) {
    return fallback;
  }
  std::size_t value = 0;
  const char* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (text->empty() || ec != std::errc() || ptr != end || value < min || value > max) {
    throw server::HttpError(400,
                            "'" + std::string(name) + "' must be a whole number from " + std::to_string(min) + " to " +
                                std::to_string(max) + ", not '" + *text + "'",
                            "invalid_request_error", "invalid_" + std::string(name));
  }
  return value;
}

server::HttpError not_found(const std::string& id) {
  return server::HttpError(404, "no conversation with id '" + id + "'; GET /v1/history lists them",
                           "invalid_request_error", "conversation_not_found");
}

// A damaged or unwritable database is the server's problem, not the request's: 500 with the fix.
template <typename Work>
auto guarded(Work&& work) {
  try {
    return work();
  } catch (const Error& e) {
    throw server::HttpError(500, "conversation history unavailable: " + e.full_message(), "server_error",
                            "history_unavailable");
  }
}

}  // namespace

void add_history_routes(server::Router& router, history::HistoryReaderPtr history) {
  router.add("GET", "/v1/history", [history](const server::HttpRequest& request) {
    const std::size_t limit = count_param(request, "limit", kDefaultLimit, 1, kMaxLimit);
    const std::size_t offset =
        count_param(request, "offset", 0, 0, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max()));
    return guarded([&] {
      const auto page = history->list_sessions(limit, offset);
      return server::HttpResponse::json(dump_json(conversation_list_json(page, history->count_sessions(), offset)));
    });
  });

  router.add("GET", "/v1/history/{id}", [history](const server::HttpRequest& request) {
    const std::string& id = request.path_params.at("id");
    const std::string format = request.query_param("format").value_or("json");
    if (format != "json" && format != "md") {
      throw server::HttpError(400, "format '" + format + "' is not supported: use \"json\" or \"md\"",
                              "invalid_request_error", "invalid_format");
    }
    return guarded([&] {
      const auto stored = history->get_session(id);
      if (!stored) {
        throw not_found(id);
      }
      if (format == "md") {
        return server::HttpResponse::text(history::export_markdown(*stored), "text/markdown; charset=utf-8");
      }
      return server::HttpResponse::json(dump_json(conversation_json(*stored)));
    });
  });

  router.add("DELETE", "/v1/history/{id}", [history](const server::HttpRequest& request) {
    const std::string& id = request.path_params.at("id");
    return guarded([&] {
      if (!history->delete_session(id)) {
        throw not_found(id);
      }
      return server::HttpResponse::json(dump_json({{"id", id}, {"object", "conversation.deleted"}, {"deleted", true}}));
    });
  });
}

}  // namespace lv::api
