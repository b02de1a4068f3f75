#include "net/connect_retry.h"

#include <algorithm>
#include <thread>

namespace lv::net {

namespace {
constexpr std::chrono::milliseconds kMaxBackoff{1000};
constexpr std::chrono::milliseconds kStopPoll{10};
constexpr long long kMinConnectTimeoutMs = 100;
}  // namespace

ConnectRetry::ConnectRetry(int budget_ms)
    : budget_ms_(budget_ms), deadline_(Clock::now() + std::chrono::milliseconds(budget_ms)) {}

int ConnectRetry::connect_timeout_ms() const {
  const auto left_ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
  return static_cast<int>(std::max<long long>(left_ms, kMinConnectTimeoutMs));
}

bool ConnectRetry::exhausted() const { return Clock::now() + backoff_ >= deadline_; }

bool ConnectRetry::wait(const std::stop_token& stop) {
  const bool slept = sleep_unless_stopped(backoff_, stop);
  backoff_ = std::min(backoff_ * 2, kMaxBackoff);
  return slept;
}

bool sleep_unless_stopped(std::chrono::milliseconds duration, const std::stop_token& stop) {
  using Clock = std::chrono::steady_clock;
  const auto until = Clock::now() + duration;
  while (Clock::now() < until) {
    if (stop.stop_requested()) {
      return false;
    }
    std::this_thread::sleep_for(std::min<Clock::duration>(kStopPoll, until - Clock::now()));
  }
  return !stop.stop_requested();
}

}  // namespace lv::net
