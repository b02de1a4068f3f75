#include "server/router.h"

#include <nlohmann/json.hpp>

#include <mutex>

#include "util/error.h"
#include "util/log.h"

namespace lv::server {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 1;  // paths begin with '/'
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    segments.push_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  return segments;
}

bool match_pattern(std::string_view pattern, std::string_view path, std::map<std::string, std::string>& params) {
  const auto want = split_path(pattern);
  const auto have = split_path(path);
  if (want.size() != have.size()) {
    return false;
  }
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const auto w = want[i];
    if (w.size() >= 2 && w.front() == '{' && w.back() == '}') {
      if (have[i].empty()) {
        return false;
      }
      found.emplace(std::string(w.substr(1, w.size() - 2)), std::string(have[i]));
    } else if (w != have[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

}  // namespace

Router::Router(Router&& other) noexcept {
  const std::unique_lock lock(other.mutex_);
  routes_ = std::move(other.routes_);
  retired_ = std::move(other.retired_);
  websockets_ = std::move(other.websockets_);
}

Router& Router::operator=(Router&& other) noexcept {
  if (this != &other) {
    const std::scoped_lock lock(mutex_, other.mutex_);
    routes_ = std::move(other.routes_);
    retired_ = std::move(other.retired_);
    websockets_ = std::move(other.websockets_);
  }
  return *this;
}

void Router::add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
  auto route = std::make_unique<Route>(Route{std::move(method), std::move(pattern), std::move(handler), options});
  const std::unique_lock lock(mutex_);
  for (auto& existing : routes_) {
    if (existing->method == route->method && existing->pattern == route->pattern) {
      // An engine swapped in at run time re-mounts its routes. A request already matched may still hold the
      // old route, so it is kept alive rather than freed.
      retired_.push_back(std::move(existing));
      existing = std::move(route);
      return;
    }
  }
  routes_.push_back(std::move(route));
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match result;
  const std::shared_lock lock(mutex_);
  for (const auto& entry : routes_) {
    const Route& route = *entry;
    std::map<std::string, std::string> params;
    if (!match_pattern(route.pattern, path, params)) {
      continue;
    }
    // HEAD is answered by GET routes (the transport drops the body).
    if (route.method == method || (method == "HEAD" && route.method == "GET")) {
      result.route = &route;
      result.path_params = std::move(params);
      return result;
    }
    result.path_known = true;
  }
  return result;
}

HttpResponse Router::invoke(const Route& route, const HttpRequest& request) {
  try {
    return route.handler(request);
  } catch (const HttpError& e) {
    if (e.status() >= 500) {
      log::error("request failed", {{"request_id", request.request_id}, {"error", std::string(e.what())}});
    }
    return error_response(e.status(), e.what(), e.type(), e.code());
  } catch (const Error& e) {
    return error_response(400, e.full_message(), "invalid_request_error");
  } catch (const std::exception& e) {
    log::error("unhandled error in request handler",
               {{"request_id", request.request_id}, {"route", route.pattern}, {"error", std::string(e.what())}});
    return error_response(
        500,
        "internal error while handling " + route.pattern + " (request " + request.request_id + "); see the server log",
        "server_error");
  }
}

void Router::add_websocket(std::string path, WebSocketHandlerFactory factory) {
  const std::unique_lock lock(mutex_);
  websockets_.insert_or_assign(std::move(path), std::move(factory));
}

const WebSocketHandlerFactory* Router::websocket(std::string_view path) const {
  // std::map nodes never move, so the pointer stays valid after the lock is released.
  const std::shared_lock lock(mutex_);
  const auto it = websockets_.find(path);
  return it == websockets_.end() ? nullptr : &it->second;
}

HttpResponse error_response(int status, std::string_view message, std::string_view type, std::string_view code) {
  nlohmann::json error{{"message", message}, {"type", type}};
  error["code"] = code.empty() ? nlohmann::json(nullptr) : nlohmann::json(code);
  return HttpResponse::json(nlohmann::json{{"error", std::move(error)}}.dump(), status);
}

}  // namespace lv::server
