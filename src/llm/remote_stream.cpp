#include "llm/remote_stream.h"

#include <algorithm>
#include <chrono>

#include "net/connect_retry.h"
#include "net/http_client.h"
#include "net/remote_api.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::llm {
namespace {

using net::error_message_from_body;

constexpr std::size_t kMaxErrorBodyBytes = 64 * 1024;

[[noreturn]] void throw_for_status(const RemoteServer& server, const RemoteOptions& options, const std::string& url,
                                   int status, const std::string& body) {
  std::string message = error_message_from_body(body);
  if (message.size() > 300) {
    message = message.substr(0, 300) + "...";
  }
  const std::string where = server.kind + " at " + options.base_url;
  const std::string said = "HTTP " + std::to_string(status) + (message.empty() ? "" : ": " + message);
  if (status == 404) {
    throw Error(where + " does not know model '" + options.model + "' or the endpoint " + url + " (" + said + ")",
                server.model_hint);
  }
  if (status == 401 || status == 403) {
    throw Error(where + " rejected the request as unauthorised (" + said + ")",
                "set the environment variable " + options.api_key_env +
                    " to a valid API key (or name another variable with ?api_key_env=)");
  }
  throw Error(where + " could not answer (" + said + ")",
              "check the server's log; the model '" + options.model + "' may be too large or still loading");
}

}  // namespace

RemoteReply post_stream(const RemoteServer& server, const RemoteOptions& options, const std::string& url,
                        const std::string& body_json, const std::function<bool(std::string_view)>& on_body,
                        const std::function<bool()>& delivered, std::stop_token stop) {
  net::ConnectRetry retry(options.connect_timeout_ms);
  while (true) {
    retry.start_attempt();
    int status = 0;
    std::string error_body;
    net::HttpClientRequest request =
        net::json_post(url, body_json, "text/event-stream, application/x-ndjson", options.api_key);
    request.connect_timeout_ms = retry.connect_timeout_ms();
    request.first_byte_timeout_ms = options.first_token_timeout_ms;
    request.idle_timeout_ms = options.idle_timeout_ms;
    request.on_headers = [&](int code, const auto&) { status = code; };
    request.on_body = [&](std::string_view chunk) {
      if (status != 200) {
        if (error_body.size() < kMaxErrorBodyBytes) {
          error_body.append(chunk.substr(0, kMaxErrorBodyBytes - error_body.size()));
        }
        return true;
      }
      return on_body(chunk);
    };
    request.cancelled = [&stop] { return stop.stop_requested(); };

    bool retryable = false;
    std::string failure;
    try {
      const net::HttpClientResponse response = net::http_request(request);
      if (response.cancelled || stop.stop_requested()) {
        return RemoteReply{true, {}};
      }
      if (response.status == 200) {
        return RemoteReply{};
      }
      if (error_body.empty()) {
        error_body = response.body;
      }
      if (response.status == 503 && !delivered()) {
        retryable = true;  // llama-server answers 503 while it is still loading the model
        failure = "HTTP 503: " + error_message_from_body(error_body);
      } else {
        throw_for_status(server, options, url, response.status, error_body);
      }
    } catch (const net::HttpError& e) {
      if (delivered()) {
        return RemoteReply{false, server.kind + " at " + options.base_url + " stopped mid-answer: " + e.what() +
                                      " (check that the server is still running)"};
      }
      if (e.failure() != net::HttpFailure::connect) {
        throw Error(server.kind + " at " + options.base_url + " failed: " + e.what(),
                    e.fix().empty() ? server.start_hint : e.fix());
      }
      retryable = true;
      failure = e.what();
    }
    if (retryable) {
      if (retry.exhausted()) {
        throw Error("cannot reach " + server.kind + " at " + options.base_url + " after " +
                        std::to_string(retry.attempts()) + " attempts in " +
                        std::to_string(options.connect_timeout_ms) + " ms: " + failure,
                    "is it running? " + server.start_hint);
      }
      log::debug("llm server not reachable yet; retrying",
                 {{"server", options.base_url}, {"attempt", retry.attempts()}, {"error", failure}});
      if (!retry.wait(stop)) {
        return RemoteReply{true, {}};
      }
    }
  }
}

void StreamedAnswer::emit(std::string piece) {
  if (piece.empty()) {
    return;
  }
  if (result_.content.empty()) {
    first_at_ = Clock::now();
    result_.timings.time_to_first_token_ms = util::ms_between(started_, first_at_);
  }
  result_.content += piece;
  ChatDelta delta;
  delta.content = std::move(piece);
  on_delta_(delta);
}

void StreamedAnswer::finish_timings(int chunks) {
  auto& timings = result_.timings;
  if (timings.completion_tokens == 0) {
    timings.completion_tokens = chunks;
  }
  const auto now = Clock::now();
  timings.total_ms = util::ms_between(started_, now);
  if (timings.completion_tokens > 1 && !result_.content.empty()) {
    timings.tokens_per_s = (timings.completion_tokens - 1) * 1000.0 / std::max(util::ms_between(first_at_, now), 1e-3);
  }
}

}  // namespace lv::llm
