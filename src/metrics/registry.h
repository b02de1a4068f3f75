// Prometheus metrics: counters, gauges and histograms with labels, rendered in the text exposition format.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace lv::metrics {

using Labels = std::map<std::string, std::string>;

class Counter {
 public:
  void inc(double amount = 1.0);
  double value() const;

 private:
  mutable std::mutex mutex_;
  double value_ = 0;
};

class Gauge {
 public:
  void set(double value);
  void add(double amount);
  double value() const;

 private:
  mutable std::mutex mutex_;
  double value_ = 0;
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double value);

  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<std::uint64_t> cumulative_counts;  // one per bound, then +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;  // per bucket (not cumulative), last is +Inf
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

// Latency buckets in seconds, from 1 ms to 30 s.
std::vector<double> latency_buckets_s();

// Owns every metric family. Families are created on first use; children per label set likewise.
// Returned references stay valid for the registry's lifetime. Thread-safe.
class Registry {
 public:
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels = {},
                       std::vector<double> upper_bounds = latency_buckets_s());

  // Prometheus text format 0.0.4.
  std::string render() const;

 private:
  enum class Type { counter, gauge, histogram };
  struct Family {
    Type type;
    std::string help;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Gauge>> gauges;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
  };
  Family& family(const std::string& name, const std::string& help, Type type);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

using RegistryPtr = std::shared_ptr<Registry>;

}  // namespace lv::metrics
