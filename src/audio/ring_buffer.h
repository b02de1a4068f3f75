// A bounded, thread-safe audio ring buffer that drops the oldest samples on overflow and counts them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

namespace lv::audio {

class RingBuffer {
 public:
  explicit RingBuffer(std::size_t capacity_samples);

  // Appends samples; when full, the oldest samples are overwritten. Returns how many were dropped.
  std::size_t push(std::span<const float> samples);
  // Removes up to out.size() of the oldest samples into `out`; returns how many were written.
  std::size_t pop(std::span<float> out);

  std::size_t size() const;
  std::size_t capacity() const { return capacity_; }
  std::uint64_t dropped_samples() const;  // total since construction
  void clear();

 private:
  mutable std::mutex mutex_;
  std::vector<float> data_;
  std::size_t capacity_;
  std::size_t head_ = 0;  // index of the oldest sample
  std::size_t size_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace lv::audio
