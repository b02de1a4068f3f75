#include "api/embedding_routes.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "api/json_body.h"
#include "util/error.h"

namespace lv::api {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxEmbeddingBodyBytes = std::size_t{8} << 20;  // a batch of document chunks
constexpr std::size_t kMaxInputs = 2048;                              // OpenAI's limit per request

struct EmbeddingRequest {
  std::vector<std::string> inputs;
  bool base64 = false;
  std::optional<int> dimensions;
};

[[noreturn]] void bad_request(const std::string& message, const std::string& code = "invalid_value") {
  throw server::HttpError(400, message, "invalid_request_error", code);
}

std::string input_text(const json& item, const std::string& where) {
  if (item.is_number() || (item.is_array() && !item.empty() && item.front().is_number())) {
    bad_request(where + " is a token array; this server embeds text only: send strings");
  }
  if (!item.is_string()) {
    bad_request(where + " must be a string, not " + std::string(item.type_name()));
  }
  std::string text = item.get<std::string>();
  if (text.empty()) {
    bad_request(where + " is an empty string; there is nothing to embed");
  }
  return text;
}

EmbeddingRequest parse_embedding_request(const server::HttpRequest& http) {
  const json body = parse_json_object(http);
  EmbeddingRequest request;
  const auto input = body.find("input");
  if (input == body.end() || input->is_null()) {
    bad_request("missing required field 'input' (a string or an array of strings)", "missing_field");
  }
  if (input->is_array() && !input->empty() && !input->front().is_number()) {
    if (input->size() > kMaxInputs) {
      bad_request("'input' has " + std::to_string(input->size()) + " items; send at most " +
                  std::to_string(kMaxInputs) + " per request");
    }
    for (std::size_t i = 0; i < input->size(); ++i) {
      request.inputs.push_back(input_text((*input)[i], "input[" + std::to_string(i) + "]"));
    }
  } else if (input->is_array() && input->empty()) {
    bad_request("'input' is an empty array; send at least one string");
  } else {
    request.inputs.push_back(input_text(*input, "'input'"));
  }
  optional_string(body, "model");  // any model name is accepted; only its type is checked
  const std::string format = optional_string(body, "encoding_format").value_or("float");
  if (format != "float" && format != "base64") {
    bad_request("'encoding_format' must be \"float\" or \"base64\", not \"" + format + "\"");
  }
  request.base64 = format == "base64";
  if (const auto dimensions = optional_number(body, "dimensions")) {
    if (*dimensions < 1 || *dimensions > 1'000'000 ||
        *dimensions != static_cast<double>(static_cast<int>(*dimensions))) {
      bad_request("'dimensions' must be a positive whole number");
    }
    request.dimensions = static_cast<int>(*dimensions);
  }
  return request;
}

// The vector's float32 values in little-endian byte order, base64-encoded (what OpenAI's clients decode).
std::string base64_floats(const std::vector<float>& vector) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes(vector.size() * sizeof(float), '\0');
  for (std::size_t i = 0; i < vector.size(); ++i) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, &vector[i], sizeof bits);
    for (std::size_t b = 0; b < 4; ++b) {
      bytes[i * 4 + b] = static_cast<char>((bits >> (8 * b)) & 0xFFU);
    }
  }
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t left = bytes.size() - i;
    std::uint32_t group = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (left > 1) group |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    if (left > 2) group |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 2]));
    out += kAlphabet[(group >> 18) & 0x3FU];
    out += kAlphabet[(group >> 12) & 0x3FU];
    out += left > 1 ? kAlphabet[(group >> 6) & 0x3FU] : '=';
    out += left > 2 ? kAlphabet[group & 0x3FU] : '=';
  }
  return out;
}

server::HttpResponse embed(const embed::EmbeddingEnginePtr& engine, const EmbeddingRequest& request) {
  const int known_dimensions = engine->capabilities().dimensions;
  if (request.dimensions && known_dimensions > 0 && *request.dimensions != known_dimensions) {
    bad_request("this model makes " + std::to_string(known_dimensions) +
                "-dimensional vectors; leave out "
                "'dimensions' or set it to " +
                std::to_string(known_dimensions));
  }
  embed::EmbeddingResult result;
  try {
    result = engine->embed_counted(request.inputs);
  } catch (const Error& e) {
    throw server::HttpError(503, e.full_message(), "server_error", "engine_unavailable");
  }
  if (result.vectors.size() != request.inputs.size()) {
    throw server::HttpError(502,
                            "the embedding engine returned " + std::to_string(result.vectors.size()) + " vectors for " +
                                std::to_string(request.inputs.size()) + " inputs",
                            "server_error", "embedding_failed");
  }
  if (request.dimensions && !result.vectors.empty() &&
      result.vectors.front().size() != static_cast<std::size_t>(*request.dimensions)) {
    bad_request("this model makes " + std::to_string(result.vectors.front().size()) +
                "-dimensional vectors; leave out 'dimensions' or set it to that");
  }
  json data = json::array();
  for (std::size_t i = 0; i < result.vectors.size(); ++i) {
    json item = {{"object", "embedding"}, {"index", i}};
    if (request.base64) {
      item["embedding"] = base64_floats(result.vectors[i]);
    } else {
      item["embedding"] = result.vectors[i];
    }
    data.push_back(std::move(item));
  }
  const json response = {{"object", "list"},
                         {"data", std::move(data)},
                         {"model", engine->model_name()},
                         {"usage", {{"prompt_tokens", result.input_tokens}, {"total_tokens", result.input_tokens}}}};
  return server::HttpResponse::json(response.dump(-1, ' ', false, json::error_handler_t::replace));
}

}  // namespace

void add_embedding_routes(server::Router& router, embed::EmbeddingEnginePtr engine) {
  server::RouteOptions options;
  options.runs_on = server::RunsOn::worker;
  options.max_body_bytes = kMaxEmbeddingBodyBytes;
  router.add(
      "POST", "/v1/embeddings",
      [engine = std::move(engine)](const server::HttpRequest& http) {
        return embed(engine, parse_embedding_request(http));
      },
      options);
}

}  // namespace lv::api
