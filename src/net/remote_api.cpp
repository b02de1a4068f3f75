#include "net/remote_api.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <utility>

namespace lv::net {

namespace {
constexpr std::size_t kMaxPlainErrorBytes = 300;
}  // namespace

std::string openai_base_url(std::string url) {
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  const std::size_t scheme_end = url.find("://");
  const std::size_t path_start = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  if (path_start == std::string::npos) {
    url += "/v1";
  }
  return url;
}

std::string error_message_from_body(std::string_view body) {
  const auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (!parsed.is_discarded() && parsed.is_object() && parsed.contains("error")) {
    const auto& error = parsed["error"];
    if (error.is_string()) {
      return error.get<std::string>();
    }
    if (error.is_object() && error.contains("message") && error["message"].is_string()) {
      return error["message"].get<std::string>();
    }
  }
  std::string text(body.substr(0, kMaxPlainErrorBytes));
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

HttpClientRequest json_post(std::string url, std::string body_json, std::string_view accept,
                            const std::string& api_key) {
  HttpClientRequest request;
  request.method = "POST";
  request.url = std::move(url);
  request.body = std::move(body_json);
  request.headers = {{"Content-Type", "application/json"}, {"Accept", std::string(accept)}};
  if (!api_key.empty()) {
    request.headers.emplace_back("Authorization", "Bearer " + api_key);
  }
  return request;
}

}  // namespace lv::net
