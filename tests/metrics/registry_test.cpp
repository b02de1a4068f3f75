#include "metrics/registry.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace lv::metrics {
namespace {

TEST(Registry, RendersCountersWithLabelsInPrometheusFormat) {
  Registry registry;
  registry.counter("lv_requests_total", "Requests", {{"route", "/a"}, {"status", "200"}}).inc();
  registry.counter("lv_requests_total", "Requests", {{"route", "/a"}, {"status", "200"}}).inc(2);
  registry.counter("lv_requests_total", "Requests", {{"route", "/b\"x"}, {"status", "500"}}).inc();
  const std::string text = registry.render();
  EXPECT_NE(text.find("# HELP lv_requests_total Requests\n# TYPE lv_requests_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("lv_requests_total{route=\"/a\",status=\"200\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lv_requests_total{route=\"/b\\\"x\",status=\"500\"} 1\n"), std::string::npos) << text;
}

TEST(Registry, HistogramBucketsAreCumulative) {
  Registry registry;
  auto& h = registry.histogram("lv_latency_seconds", "Latency", {}, {0.1, 1.0});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(0.5);
  h.observe(5);
  const std::string text = registry.render();
  EXPECT_NE(text.find("lv_latency_seconds_bucket{le=\"0.1\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lv_latency_seconds_bucket{le=\"1\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lv_latency_seconds_bucket{le=\"+Inf\"} 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lv_latency_seconds_count 4\n"), std::string::npos);
  EXPECT_NE(text.find("lv_latency_seconds_sum 6.05\n"), std::string::npos) << text;
}

TEST(Registry, ValueOnABucketBoundaryCountsInThatBucket) {
  Histogram h({1.0, 2.0});
  h.observe(1.0);
  const auto snap = h.snapshot();
  EXPECT_EQ(snap.cumulative_counts[0], 1U);
}

TEST(Registry, GaugesGoUpAndDown) {
  Registry registry;
  auto& g = registry.gauge("lv_sessions", "Sessions");
  g.add(3);
  g.add(-1);
  EXPECT_DOUBLE_EQ(g.value(), 2);
  EXPECT_NE(registry.render().find("lv_sessions 2\n"), std::string::npos);
}

TEST(Registry, RejectsMisuse) {
  Registry registry;
  registry.counter("lv_x", "x");
  EXPECT_THROW(registry.gauge("lv_x", "x"), std::logic_error);
  EXPECT_THROW(registry.counter("lv_y", "y").inc(-1), std::invalid_argument);
}

TEST(Registry, ConcurrentUpdatesAreNotLost) {
  Registry registry;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&registry] {
      for (int i = 0; i < 10000; ++i) {
        registry.counter("lv_hits_total", "Hits").inc();
        registry.histogram("lv_h", "h").observe(0.01);
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_DOUBLE_EQ(registry.counter("lv_hits_total", "Hits").value(), 40000);
  EXPECT_EQ(registry.histogram("lv_h", "h").snapshot().count, 40000U);
}

}  // namespace
}  // namespace lv::metrics
