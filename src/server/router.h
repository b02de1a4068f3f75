// The route table: maps method and path pattern to a handler; one place turns exceptions into responses.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "server/http_types.h"
#include "server/websocket_handler.h"

namespace lv::server {

using Handler = std::function<HttpResponse(const HttpRequest&)>;

// Where a handler runs. Cheap handlers (health, metrics) run inline on the I/O thread; anything that may
// block or compute (engines, disk, retrieval) runs on the worker pool so I/O threads never stall.
enum class RunsOn { io_thread, worker };

struct RouteOptions {
  RunsOn runs_on = RunsOn::worker;
  std::size_t max_body_bytes = 1 << 20;  // larger bodies get 413 before the handler runs
};

struct Route {
  std::string method;
  std::string pattern;  // "/v1/kb/documents/{id}": "{name}" matches one path segment
  Handler handler;
  RouteOptions options;
};

// Thread-safe: routes may be added while the server runs (engines mount theirs once they have loaded).
// Adding a method and pattern again replaces the handler (an engine swapped in at run time); routes are never
// freed, so a matched Route stays valid.
class Router {
 public:
  Router() = default;
  Router(Router&& other) noexcept;
  Router& operator=(Router&& other) noexcept;
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  void add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});

  struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string> path_params;
    bool path_known = false;  // some route has this path under another method (405, not 404)
  };
  Match match(std::string_view method, std::string_view path) const;

  // Calls the handler and converts any exception into an API-shaped error response:
  // HttpError -> its status; lv::Error -> 400 with the fix appended; anything else -> 500.
  static HttpResponse invoke(const Route& route, const HttpRequest& request);

  // A WebSocket endpoint at an exact path (e.g. "/v1/realtime").
  void add_websocket(std::string path, WebSocketHandlerFactory factory);
  const WebSocketHandlerFactory* websocket(std::string_view path) const;

 private:
  mutable std::shared_mutex mutex_;
  std::vector<std::unique_ptr<Route>> routes_;
  std::vector<std::unique_ptr<Route>> retired_;  // replaced routes, kept for requests that matched them
  std::map<std::string, WebSocketHandlerFactory, std::less<>> websockets_;
};

// {"error":{"message":..., "type":..., "code":...}} with the given status.
HttpResponse error_response(int status, std::string_view message, std::string_view type, std::string_view code = {});

}  // namespace lv::server
