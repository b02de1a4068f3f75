#include "stt/channel_estimate.h"

#include <algorithm>
#include <cmath>

namespace lv::stt {

ChannelEstimate::ChannelEstimate(double max_weight_s) : max_weight_s_(std::max(0.0, max_weight_s)) {}

std::vector<double> ChannelEstimate::blend(const std::vector<double>& current, double current_s) const {
  const std::lock_guard lock(mutex_);
  if (current.empty()) {
    return mean_;
  }
  if (weight_s_ <= 0.0 || mean_.size() != current.size()) {
    return current;
  }
  const double own = std::max(0.0, current_s);
  std::vector<double> out(current.size());
  for (std::size_t i = 0; i < current.size(); ++i) {
    out[i] = (mean_[i] * weight_s_ + current[i] * own) / (weight_s_ + own);
  }
  return out;
}

void ChannelEstimate::learn(const std::vector<double>& mean, double measured_s) {
  if (mean.empty() || !(measured_s > 0.0) ||
      !std::all_of(mean.begin(), mean.end(), [](double v) { return std::isfinite(v); })) {
    return;
  }
  const std::lock_guard lock(mutex_);
  if (mean_.size() != mean.size() || weight_s_ <= 0.0) {
    mean_ = mean;
    weight_s_ = std::min(measured_s, max_weight_s_);
    return;
  }
  for (std::size_t i = 0; i < mean.size(); ++i) {
    mean_[i] = (mean_[i] * weight_s_ + mean[i] * measured_s) / (weight_s_ + measured_s);
  }
  weight_s_ = std::min(weight_s_ + measured_s, max_weight_s_);
}

double ChannelEstimate::weight_s() const {
  const std::lock_guard lock(mutex_);
  return weight_s_;
}

}  // namespace lv::stt
