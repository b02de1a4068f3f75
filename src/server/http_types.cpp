#include "server/http_types.h"

#include <algorithm>
#include <cctype>

namespace lv::server {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::optional<std::string> HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) {
      return value;
    }
  }
  return std::nullopt;
}

std::optional<std::string> HttpRequest::query_param(std::string_view name) const {
  const auto it = query.find(std::string(name));
  if (it == query.end()) {
    return std::nullopt;
  }
  return it->second;
}

HttpResponse HttpResponse::json(std::string body_json, int status_code) {
  HttpResponse response;
  response.status = status_code;
  response.content_type = "application/json";
  response.body = std::move(body_json);
  return response;
}

HttpResponse HttpResponse::text(std::string body_text, std::string type, int status_code) {
  HttpResponse response;
  response.status = status_code;
  response.content_type = std::move(type);
  response.body = std::move(body_text);
  return response;
}

}  // namespace lv::server
