// What the openai: and ollama: engines share: timeouts, retrying a server that is not up yet, clear errors.
#pragma once

#include <chrono>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "llm/llm_types.h"

namespace lv::llm {

struct RemoteOptions {
  std::string base_url;  // "http://127.0.0.1:8080/v1" (openai:) or "http://localhost:11434" (ollama:)
  std::string model;
  std::string api_key;                         // sent as a bearer token; never logged
  std::string api_key_env = "OPENAI_API_KEY";  // named in messages about rejected keys
  int connect_timeout_ms = 5000;               // also the budget for retrying a server that is not listening yet
  int first_token_timeout_ms = 120000;         // a long prompt on a CPU server can take a while
  int idle_timeout_ms = 30000;                 // longest silence between tokens
  std::string keep_alive = "5m";               // ollama: how long the server keeps the model loaded
};

// Describes the server in messages: "OpenAI-compatible server", and how to start one.
struct RemoteServer {
  std::string kind;
  std::string start_hint;
  std::string model_hint;  // what to do about an unknown model
};

struct RemoteReply {
  bool cancelled = false;
  // A transport failure after the first token (server died mid-answer): what happened, for ChatResult.
  std::string broken_error;
};

// POSTs `body_json` to `url` and passes the body of a 200 response to `on_body` (return false to stop).
// Before anything was delivered (`delivered()` false), refused connections and 503 answers are retried
// with backoff until connect_timeout_ms is spent. Throws lv::Error naming the server, what happened and
// what to check: unreachable, timed out, unknown model (404), rejected key (401/403), other statuses.
RemoteReply post_stream(const RemoteServer& server, const RemoteOptions& options, const std::string& url,
                        const std::string& body_json, const std::function<bool(std::string_view)>& on_body,
                        const std::function<bool()>& delivered, std::stop_token stop);

// Collects a remote engine's answer as it streams: passes each piece on, and times the first one and the rest.
class StreamedAnswer {
 public:
  using Clock = std::chrono::steady_clock;

  StreamedAnswer(ChatResult& result, const DeltaCallback& on_delta, Clock::time_point started)
      : result_(result), on_delta_(on_delta), started_(started) {}

  // Appends a piece of text (nothing when empty) and hands it to the caller as a delta.
  void emit(std::string piece);
  // Total time and tokens/s; `chunks` counts completion tokens when the server reported no usage.
  void finish_timings(int chunks);

 private:
  ChatResult& result_;
  const DeltaCallback& on_delta_;
  Clock::time_point started_;
  Clock::time_point first_at_{};
};

}  // namespace lv::llm
