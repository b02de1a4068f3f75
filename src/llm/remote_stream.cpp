#include "llm/remote_stream.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <thread>

#include "net/http_client.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::llm {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxErrorBodyBytes = 64 * 1024;

// Sleeps up to `duration`, returning false early when `stop` is requested.
bool sleep_unless_stopped(std::chrono::milliseconds duration, const std::stop_token& stop) {
  const auto until = Clock::now() + duration;
  while (Clock::now() < until) {
    if (stop.stop_requested()) {
      return false;
    }
    std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(10), until - Clock::now()));
  }
  return !stop.stop_requested();
}

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
  std::string text(body.substr(0, 300));
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

RemoteReply post_stream(const RemoteServer& server, const RemoteOptions& options, const std::string& url,
                        const std::string& body_json, const std::function<bool(std::string_view)>& on_body,
                        const std::function<bool()>& delivered, std::stop_token stop) {
  const auto started = Clock::now();
  const auto deadline = started + std::chrono::milliseconds(options.connect_timeout_ms);
  auto backoff = std::chrono::milliseconds(50);
  int attempt = 0;
  while (true) {
    ++attempt;
    int status = 0;
    std::string error_body;
    net::HttpClientRequest request;
    request.method = "POST";
    request.url = url;
    request.body = body_json;
    request.headers = {{"Content-Type", "application/json"}, {"Accept", "text/event-stream, application/x-ndjson"}};
    if (!options.api_key.empty()) {
      request.headers.emplace_back("Authorization", "Bearer " + options.api_key);
    }
    const auto left_ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    request.connect_timeout_ms = static_cast<int>(std::max<long long>(left_ms, 100));
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

    bool retry = false;
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
        retry = true;  // llama-server answers 503 while it is still loading the model
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
      retry = true;
      failure = e.what();
    }
    if (retry) {
      if (Clock::now() + backoff >= deadline) {
        throw Error("cannot reach " + server.kind + " at " + options.base_url + " after " + std::to_string(attempt) +
                        " attempts in " + std::to_string(options.connect_timeout_ms) + " ms: " + failure,
                    "is it running? " + server.start_hint);
      }
      log::debug("llm server not reachable yet; retrying",
                 {{"server", options.base_url}, {"attempt", attempt}, {"error", failure}});
      if (!sleep_unless_stopped(backoff, stop)) {
        return RemoteReply{true, {}};
      }
      backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
    }
  }
}

namespace {

double milliseconds_between(StreamedAnswer::Clock::time_point from, StreamedAnswer::Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

}  // namespace

void StreamedAnswer::emit(std::string piece) {
  if (piece.empty()) {
    return;
  }
  if (result_.content.empty()) {
    first_at_ = Clock::now();
    result_.timings.time_to_first_token_ms = milliseconds_between(started_, first_at_);
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
  timings.total_ms = milliseconds_between(started_, now);
  if (timings.completion_tokens > 1 && !result_.content.empty()) {
    timings.tokens_per_s =
        (timings.completion_tokens - 1) * 1000.0 / std::max(milliseconds_between(first_at_, now), 1e-3);
  }
}

}  // namespace lv::llm
