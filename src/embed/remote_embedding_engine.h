// What the openai: and ollama: embedding engines share: batching, timeouts, retries, checks and clear errors.
#pragma once

#include <atomic>
#include <cstddef>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "embed/embedding_engine.h"

namespace lv::embed {

struct RemoteEmbeddingOptions {
  std::string base_url;  // "http://127.0.0.1:8080/v1" (openai:) or "http://localhost:11434" (ollama:)
  std::string model;
  std::string api_key;                         // sent as a bearer token; never logged
  std::string api_key_env = "OPENAI_API_KEY";  // named in messages about rejected keys
  int connect_timeout_ms = 5000;               // also the budget for retrying a server that is not up yet
  int timeout_ms = 60000;                      // one request, from sending it to the last byte of the reply
  int max_batch_texts = 64;                    // texts per request; larger calls are split
};

// Describes the server in messages.
struct RemoteEmbeddingServer {
  std::string kind;        // "OpenAI-compatible embeddings server"
  std::string scheme;      // "openai", as written in engines.embeddings
  std::string start_hint;  // how to start one
};

// Sends texts in batches to a server and checks what comes back: one finite, non-zero vector per text, all of
// one length (learned from the first reply). Vectors are L2-normalized here, whatever the server did.
class RemoteEmbeddingEngine : public EmbeddingEngine {
 public:
  EmbeddingCapabilities capabilities() const override;
  std::string model_name() const override { return options_.model; }
  std::vector<std::vector<float>> embed(const std::vector<std::string>& texts, std::stop_token stop = {}) override;
  EmbeddingResult embed_counted(const std::vector<std::string>& texts, std::stop_token stop = {}) override;

  const RemoteEmbeddingOptions& options() const { return options_; }

 protected:
  RemoteEmbeddingEngine(RemoteEmbeddingOptions options, RemoteEmbeddingServer server);

  // Where one batch goes, and its JSON body.
  virtual std::string endpoint_url() const = 0;
  virtual std::string request_body(const std::vector<std::string>& texts) const = 0;
  // Parses a 200 reply for `count` texts into vectors (in input order) and the tokens read; throws lv::Error
  // (via malformed()) when the reply is not what the protocol promises.
  virtual EmbeddingResult parse_reply(std::string_view body, std::size_t count) const = 0;

  [[noreturn]] void malformed(const std::string& what) const;

 private:
  std::string post(const std::string& body, std::stop_token stop) const;
  [[noreturn]] void throw_for_status(int status, const std::string& body) const;
  void check_vectors(std::vector<std::vector<float>>& vectors);

  RemoteEmbeddingOptions options_;
  RemoteEmbeddingServer server_;
  std::atomic<int> dimensions_{0};
};

}  // namespace lv::embed
