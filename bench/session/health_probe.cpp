#include "health_probe.h"

#include "server/test_client.h"

namespace lv::bench {

HealthProbe::HealthProbe(std::uint16_t port, std::chrono::milliseconds period) {
  thread_ = std::thread([this, port, period] {
    auto next = std::chrono::steady_clock::now();
    while (!stopping_) {
      const auto begin = std::chrono::steady_clock::now();
      double latency_ms = 1000;
      try {
        if (test::http_get(port, "/health").status == 200) {
          latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin).count();
        }
      } catch (const std::exception&) {
        // counted as a slow probe
      }
      {
        const std::lock_guard lock(mutex_);
        latencies_ms_.push_back(latency_ms);
      }
      next += period;
      std::this_thread::sleep_until(next);
    }
  });
}

HealthProbe::~HealthProbe() { (void)stop(); }

std::vector<double> HealthProbe::stop() {
  stopping_ = true;
  if (thread_.joinable()) {
    thread_.join();
  }
  const std::lock_guard lock(mutex_);
  return latencies_ms_;
}

}  // namespace lv::bench
