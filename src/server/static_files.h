// Serving the web UI's files from a directory: content types, caching headers, no directory traversal.
#pragma once

#include <filesystem>
#include <optional>

#include "server/http_types.h"

namespace lv::server {

// Returns the response for a GET/HEAD of `request.path` under `root`, or nullopt when no such file exists.
// Paths that try to leave `root` ("..", encoded slashes, symlinks pointing outside) get nullopt too.
std::optional<HttpResponse> serve_static_file(const std::filesystem::path& root, const HttpRequest& request);

// "text/html; charset=utf-8" for "index.html", "application/octet-stream" when unknown.
const char* content_type_for(const std::filesystem::path& file);

}  // namespace lv::server
