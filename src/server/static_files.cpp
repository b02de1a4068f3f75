#include "server/static_files.h"

#include <sys/stat.h>

#include <array>
#include <fstream>
#include <sstream>
#include <string_view>
#include <system_error>
#include <utility>

namespace lv::server {
namespace {

constexpr std::array<std::pair<std::string_view, const char*>, 20> kTypes{{
    {".html", "text/html; charset=utf-8"},
    {".htm", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".ico", "image/x-icon"},
    {".webp", "image/webp"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".txt", "text/plain; charset=utf-8"},
    {".wasm", "application/wasm"},
    {".wav", "audio/wav"},
    {".onnx", "application/octet-stream"},
    {".webmanifest", "application/manifest+json"},
}};

bool is_within(const std::filesystem::path& root, const std::filesystem::path& candidate) {
  auto r = root.begin();
  auto c = candidate.begin();
  for (; r != root.end(); ++r, ++c) {
    if (c == candidate.end() || *r != *c) {
      return false;
    }
  }
  return true;
}

}  // namespace

const char* content_type_for(const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  for (const auto& [known, type] : kTypes) {
    if (ext == known) {
      return type;
    }
  }
  return "application/octet-stream";
}

std::optional<HttpResponse> serve_static_file(const std::filesystem::path& root, const HttpRequest& request) {
  if (root.empty() || (request.method != "GET" && request.method != "HEAD")) {
    return std::nullopt;
  }
  const std::string& path = request.path;
  // The decoded path must be plain: no backslashes, no "." or ".." segments, no empty segments mid-path.
  if (path.empty() || path.front() != '/' || path.find('\\') != std::string::npos ||
      path.find('\0') != std::string::npos) {
    return std::nullopt;
  }
  std::string relative = path.substr(1);
  for (std::size_t start = 0; start <= relative.size();) {
    const auto slash = relative.find('/', start);
    const auto segment =
        std::string_view(relative).substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (segment == "." || segment == "..") {
      return std::nullopt;
    }
    if (slash == std::string::npos) {
      break;
    }
    start = slash + 1;
  }
  if (relative.empty() || relative.back() == '/') {
    relative += "index.html";
  }

  std::error_code ec;
  const auto canonical_root = std::filesystem::canonical(root, ec);
  if (ec) {
    return std::nullopt;
  }
  auto file = std::filesystem::canonical(canonical_root / relative, ec);
  if (ec) {
    return std::nullopt;
  }
  if (std::filesystem::is_directory(file, ec)) {
    file /= "index.html";
  }
  // Symlinks are resolved by canonical(); whatever they point at must still live under the root.
  if (!is_within(canonical_root, file) || !std::filesystem::is_regular_file(file, ec)) {
    return std::nullopt;
  }

  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) {
    return std::nullopt;
  }
  const std::string etag = "\"" + std::to_string(info.st_size) + "-" + std::to_string(info.st_mtim.tv_sec) + "." +
                           std::to_string(info.st_mtim.tv_nsec / 1000000) + "\"";
  HttpResponse response;
  response.content_type = content_type_for(file);
  response.headers.emplace_back("ETag", etag);
  // Vite puts content-hashed files under assets/: they never change, so they may be cached forever.
  // Everything else (index.html above all) must be revalidated so a new version shows up at once.
  const bool hashed_asset = relative.rfind("assets/", 0) == 0;
  response.headers.emplace_back("Cache-Control", hashed_asset ? "public, max-age=31536000, immutable" : "no-cache");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (const auto match = request.header("if-none-match"); match && *match == etag) {
    response.status = 304;
    return response;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream content;
  content << in.rdbuf();
  response.body = std::move(content).str();
  return response;
}

}  // namespace lv::server
