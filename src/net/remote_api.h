// Conventions shared by clients of OpenAI-compatible and Ollama servers: base URLs, error bodies, JSON POSTs.
#pragma once

#include <string>
#include <string_view>

#include "net/http_client.h"

namespace lv::net {

// "http://host:8080" -> "http://host:8080/v1"; a URL that already has a path keeps it; trailing '/' dropped.
std::string openai_base_url(std::string url);

// The human message in an error response: {"error": "..."} or {"error": {"message": "..."}}, else the
// first 300 bytes of the body on one line.
std::string error_message_from_body(std::string_view body);

// A POST of `body_json` accepting `accept`, with a bearer token when `api_key` is not empty.
HttpClientRequest json_post(std::string url, std::string body_json, std::string_view accept,
                            const std::string& api_key);

}  // namespace lv::net
