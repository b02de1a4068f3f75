// Polls GET /health on a fixed period from its own thread and records how long each answer took: a server
// whose I/O threads wait on engines answers late.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace lv::bench {

class HealthProbe {
 public:
  HealthProbe(std::uint16_t port, std::chrono::milliseconds period);
  ~HealthProbe();  // stops
  HealthProbe(const HealthProbe&) = delete;
  HealthProbe& operator=(const HealthProbe&) = delete;

  // Stops polling and returns each probe's latency in milliseconds (a failed probe counts as 1000 ms).
  std::vector<double> stop();

 private:
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<double> latencies_ms_;
  std::thread thread_;
};

}  // namespace lv::bench
