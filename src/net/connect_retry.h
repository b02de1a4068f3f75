// Retrying a server that is not up yet (not listening, or answering 503 while it loads) within a time budget.
#pragma once

#include <chrono>
#include <stop_token>

namespace lv::net {

// One per request: the budget runs from construction; waits double from 50 ms up to 1 s between attempts.
//   ConnectRetry retry(options.connect_timeout_ms);
//   while (true) {
//     retry.start_attempt();
//     request.connect_timeout_ms = retry.connect_timeout_ms();
//     ... on success return; on a retryable failure fall through ...
//     if (retry.exhausted()) throw ...;          // names retry.attempts() and the budget
//     if (!retry.wait(stop)) return cancelled;
//   }
class ConnectRetry {
 public:
  explicit ConnectRetry(int budget_ms);

  void start_attempt() { ++attempts_; }
  int attempts() const { return attempts_; }
  int budget_ms() const { return budget_ms_; }
  // The connect timeout for this attempt: what is left of the budget, at least 100 ms.
  int connect_timeout_ms() const;
  // True when waiting for the next attempt would pass the budget: time to give up.
  bool exhausted() const;
  // Sleeps the current backoff (then doubles it); false, early, when `stop` is requested.
  bool wait(const std::stop_token& stop);

 private:
  using Clock = std::chrono::steady_clock;
  int budget_ms_;
  Clock::time_point deadline_;
  std::chrono::milliseconds backoff_{50};
  int attempts_ = 0;
};

// Sleeps up to `duration`, returning false early (within about 10 ms) when `stop` is requested.
bool sleep_unless_stopped(std::chrono::milliseconds duration, const std::stop_token& stop);

}  // namespace lv::net
