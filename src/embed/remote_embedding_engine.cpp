#include "embed/remote_embedding_engine.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "embed/vector_math.h"
#include "net/connect_retry.h"
#include "net/http_client.h"
#include "net/remote_api.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::embed {
namespace {

constexpr std::size_t kMaxErrorMessageBytes = 300;

[[noreturn]] void cancelled() { throw Error("cancelled", "the embedding request was cancelled before it finished"); }

}  // namespace

RemoteEmbeddingEngine::RemoteEmbeddingEngine(RemoteEmbeddingOptions options, RemoteEmbeddingServer server)
    : options_(std::move(options)), server_(std::move(server)) {
  options_.max_batch_texts = std::max(options_.max_batch_texts, 1);
}

EmbeddingCapabilities RemoteEmbeddingEngine::capabilities() const {
  EmbeddingCapabilities caps;
  caps.dimensions = dimensions_.load();
  caps.normalized = true;
  return caps;
}

std::vector<std::vector<float>> RemoteEmbeddingEngine::embed(const std::vector<std::string>& texts,
                                                             std::stop_token stop) {
  return embed_counted(texts, std::move(stop)).vectors;
}

EmbeddingResult RemoteEmbeddingEngine::embed_counted(const std::vector<std::string>& texts, std::stop_token stop) {
  EmbeddingResult result;
  result.vectors.reserve(texts.size());
  const auto batch = static_cast<std::size_t>(options_.max_batch_texts);
  for (std::size_t first = 0; first < texts.size(); first += batch) {
    if (stop.stop_requested()) {
      cancelled();
    }
    const std::vector<std::string> part(
        texts.begin() + static_cast<std::ptrdiff_t>(first),
        texts.begin() + static_cast<std::ptrdiff_t>(std::min(texts.size(), first + batch)));
    EmbeddingResult reply = parse_reply(post(request_body(part), stop), part.size());
    if (reply.vectors.size() != part.size()) {
      malformed("it returned " + std::to_string(reply.vectors.size()) + " vectors for " + std::to_string(part.size()) +
                " texts");
    }
    check_vectors(reply.vectors);
    result.input_tokens += reply.input_tokens;
    for (auto& vector : reply.vectors) {
      result.vectors.push_back(std::move(vector));
    }
  }
  return result;
}

void RemoteEmbeddingEngine::check_vectors(std::vector<std::vector<float>>& vectors) {
  for (auto& vector : vectors) {
    if (vector.empty()) {
      malformed("it returned an empty vector");
    }
    const int size = static_cast<int>(vector.size());
    int expected = 0;
    // The first reply fixes the length; a later different one means the server switched models.
    if (!dimensions_.compare_exchange_strong(expected, size) && expected != size) {
      throw Error(server_.kind + " at " + options_.base_url + " returned " + std::to_string(size) +
                      "-dimensional vectors after " + std::to_string(expected) + "-dimensional ones",
                  "the server's model changed; restart LocalVoice so that the knowledge base is embedded again");
    }
    if (!normalize_l2(vector)) {
      malformed("it returned a vector that is zero or not finite");
    }
  }
}

void RemoteEmbeddingEngine::malformed(const std::string& what) const {
  throw Error(server_.kind + " at " + options_.base_url + " sent an unusable reply: " + what,
              "check that " + endpoint_url() + " is an embeddings endpoint and that model '" + options_.model +
                  "' is an embedding model");
}

void RemoteEmbeddingEngine::throw_for_status(int status, const std::string& body) const {
  std::string message = net::error_message_from_body(body);
  if (message.size() > kMaxErrorMessageBytes) {
    message = message.substr(0, kMaxErrorMessageBytes) + "...";
  }
  const std::string where = server_.kind + " at " + options_.base_url;
  const std::string said = "HTTP " + std::to_string(status) + (message.empty() ? "" : ": " + message);
  if (status == 404) {
    throw Error(
        where + " does not know model '" + options_.model + "' or the endpoint " + endpoint_url() + " (" + said + ")",
        "check ?model= in engines.embeddings and that the server serves embeddings (llama-server needs "
        "--embeddings)");
  }
  if (status == 401 || status == 403) {
    throw Error(where + " rejected the request as unauthorised (" + said + ")",
                "set the environment variable " + options_.api_key_env +
                    " to a valid API key (or name another variable with ?api_key_env=)");
  }
  if (status == 501 || (status >= 400 && status < 500)) {
    throw Error(where + " refused the embedding request (" + said + ")",
                "check that model '" + options_.model +
                    "' makes embeddings (llama-server needs --embeddings and a pooling type, e.g. --pooling mean)");
  }
  throw Error(where + " could not answer (" + said + ")", "check the server's log");
}

std::string RemoteEmbeddingEngine::post(const std::string& body, std::stop_token stop) const {
  const std::string url = endpoint_url();
  net::ConnectRetry retry(options_.connect_timeout_ms);
  while (true) {
    retry.start_attempt();
    net::HttpClientRequest request = net::json_post(url, body, "application/json", options_.api_key);
    request.connect_timeout_ms = retry.connect_timeout_ms();
    request.total_timeout_ms = options_.timeout_ms;
    request.idle_timeout_ms = options_.timeout_ms;
    request.cancelled = [&stop] { return stop.stop_requested(); };

    std::string failure;
    try {
      const net::HttpClientResponse response = net::http_request(request);
      if (response.cancelled || stop.stop_requested()) {
        cancelled();
      }
      if (response.status == 200) {
        return response.body;
      }
      if (response.status != 503) {
        throw_for_status(response.status, response.body);
      }
      failure = "HTTP 503: " + net::error_message_from_body(response.body);  // llama-server is still loading
    } catch (const net::HttpError& e) {
      if (e.failure() == net::HttpFailure::timeout) {
        throw Error(server_.kind + " at " + options_.base_url + " did not answer within " +
                        std::to_string(options_.timeout_ms) + " ms: " + e.what(),
                    "check the server's load, or raise timeout_ms in engines.embeddings (" + server_.scheme + ":" +
                        options_.base_url + "?timeout_ms=...)");
      }
      if (e.failure() != net::HttpFailure::connect) {
        throw Error(server_.kind + " at " + options_.base_url + " failed: " + e.what(),
                    "start the server or fix engines.embeddings (" + server_.scheme + ":" + options_.base_url + ")");
      }
      failure = e.what();
    }
    if (retry.exhausted()) {
      throw Error("cannot reach " + server_.kind + " at " + url + " after " + std::to_string(retry.attempts()) +
                      " attempts in " + std::to_string(options_.connect_timeout_ms) + " ms: " + failure,
                  "start the server or fix engines.embeddings (" + server_.scheme + ":" + options_.base_url + "); " +
                      server_.start_hint);
    }
    log::debug("embeddings server not reachable yet; retrying",
               {{"server", options_.base_url}, {"attempt", retry.attempts()}, {"error", failure}});
    if (!retry.wait(stop)) {
      cancelled();
    }
  }
}

}  // namespace lv::embed
