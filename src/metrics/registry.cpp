#include "metrics/registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace lv::metrics {
namespace {

std::string format_value(double value) {
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  if (std::isnan(value)) {
    return "NaN";
  }
  return fmt::format("{}", value);
}

std::string escape_label_value(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string render_labels(const Labels& labels, const std::string& extra_key = {},
                          const std::string& extra_value = {}) {
  if (labels.empty() && extra_key.empty()) {
    return {};
  }
  std::string out = "{";
  bool first = true;
  for (const auto& [key, value] : labels) {
    if (!first) {
      out += ',';
    }
    first = false;
    out += key + "=\"" + escape_label_value(value) + '"';
  }
  if (!extra_key.empty()) {
    if (!first) {
      out += ',';
    }
    out += extra_key + "=\"" + escape_label_value(extra_value) + '"';
  }
  out += '}';
  return out;
}

}  // namespace

void Counter::inc(double amount) {
  if (amount < 0) {
    throw std::invalid_argument("a counter cannot decrease");
  }
  const std::lock_guard lock(mutex_);
  value_ += amount;
}

double Counter::value() const {
  const std::lock_guard lock(mutex_);
  return value_;
}

void Gauge::set(double value) {
  const std::lock_guard lock(mutex_);
  value_ = value;
}

void Gauge::add(double amount) {
  const std::lock_guard lock(mutex_);
  value_ += amount;
}

double Gauge::value() const {
  const std::lock_guard lock(mutex_);
  return value_;
}

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  counts_.assign(bounds_.size() + 1, 0);
}

void Histogram::observe(double value) {
  const auto bucket =
      static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  const std::lock_guard lock(mutex_);
  ++counts_[bucket];
  sum_ += value;
  ++count_;
}

Histogram::Snapshot Histogram::snapshot() const {
  const std::lock_guard lock(mutex_);
  Snapshot snap;
  snap.upper_bounds = bounds_;
  std::uint64_t running = 0;
  for (const std::uint64_t c : counts_) {
    running += c;
    snap.cumulative_counts.push_back(running);
  }
  snap.sum = sum_;
  snap.count = count_;
  return snap;
}

std::vector<double> latency_buckets_s() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
}

Registry::Family& Registry::family(const std::string& name, const std::string& help, Type type) {
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) {
    it->second.type = type;
    it->second.help = help;
  } else if (it->second.type != type) {
    throw std::logic_error("metric '" + name + "' registered with two types");
  }
  return it->second;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  const std::lock_guard lock(mutex_);
  auto& slot = family(name, help, Type::counter).counters[labels];
  if (!slot) {
    slot = std::make_unique<Counter>();
  }
  return *slot;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  const std::lock_guard lock(mutex_);
  auto& slot = family(name, help, Type::gauge).gauges[labels];
  if (!slot) {
    slot = std::make_unique<Gauge>();
  }
  return *slot;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help, const Labels& labels,
                               std::vector<double> upper_bounds) {
  const std::lock_guard lock(mutex_);
  auto& slot = family(name, help, Type::histogram).histograms[labels];
  if (!slot) {
    slot = std::make_unique<Histogram>(std::move(upper_bounds));
  }
  return *slot;
}

std::string Registry::render() const {
  const std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, fam] : families_) {
    const char* type = fam.type == Type::counter ? "counter" : fam.type == Type::gauge ? "gauge" : "histogram";
    out += "# HELP " + name + ' ' + fam.help + '\n';
    out += "# TYPE " + name + ' ' + type + '\n';
    for (const auto& [labels, c] : fam.counters) {
      out += name + render_labels(labels) + ' ' + format_value(c->value()) + '\n';
    }
    for (const auto& [labels, g] : fam.gauges) {
      out += name + render_labels(labels) + ' ' + format_value(g->value()) + '\n';
    }
    for (const auto& [labels, h] : fam.histograms) {
      const auto snap = h->snapshot();
      for (std::size_t i = 0; i < snap.cumulative_counts.size(); ++i) {
        const std::string le = i < snap.upper_bounds.size() ? format_value(snap.upper_bounds[i]) : "+Inf";
        out +=
            name + "_bucket" + render_labels(labels, "le", le) + ' ' + std::to_string(snap.cumulative_counts[i]) + '\n';
      }
      out += name + "_sum" + render_labels(labels) + ' ' + format_value(snap.sum) + '\n';
      out += name + "_count" + render_labels(labels) + ' ' + std::to_string(snap.count) + '\n';
    }
  }
  return out;
}

}  // namespace lv::metrics
