#include "audio/ring_buffer.h"

#include <algorithm>

#include "util/error.h"

namespace lv::audio {

RingBuffer::RingBuffer(std::size_t capacity_samples) : capacity_(capacity_samples) {
  if (capacity_samples == 0) {
    throw Error("ring buffer capacity is 0 samples", "give the buffer room for at least one sample");
  }
  data_.resize(capacity_samples);
}

std::size_t RingBuffer::push(std::span<const float> samples) {
  const std::scoped_lock lock(mutex_);
  std::size_t dropped = 0;
  if (samples.size() >= capacity_) {
    // Only the newest `capacity_` samples can survive: everything held and the start of the input goes.
    dropped = size_ + (samples.size() - capacity_);
    samples = samples.last(capacity_);
    head_ = 0;
    size_ = 0;
  } else if (size_ + samples.size() > capacity_) {
    dropped = size_ + samples.size() - capacity_;
    head_ = (head_ + dropped) % capacity_;
    size_ -= dropped;
  }
  std::size_t tail = (head_ + size_) % capacity_;
  const std::size_t first = std::min(samples.size(), capacity_ - tail);
  std::copy_n(samples.begin(), first, data_.begin() + static_cast<std::ptrdiff_t>(tail));
  std::copy(samples.begin() + static_cast<std::ptrdiff_t>(first), samples.end(), data_.begin());
  size_ += samples.size();
  dropped_ += dropped;
  return dropped;
}

std::size_t RingBuffer::pop(std::span<float> out) {
  const std::scoped_lock lock(mutex_);
  const std::size_t count = std::min(out.size(), size_);
  const std::size_t first = std::min(count, capacity_ - head_);
  const auto head = data_.begin() + static_cast<std::ptrdiff_t>(head_);
  std::copy_n(head, first, out.begin());
  std::copy_n(data_.begin(), count - first, out.begin() + static_cast<std::ptrdiff_t>(first));
  head_ = (head_ + count) % capacity_;
  size_ -= count;
  return count;
}

std::size_t RingBuffer::size() const {
  const std::scoped_lock lock(mutex_);
  return size_;
}

std::uint64_t RingBuffer::dropped_samples() const {
  const std::scoped_lock lock(mutex_);
  return dropped_;
}

void RingBuffer::clear() {
  const std::scoped_lock lock(mutex_);
  head_ = 0;
  size_ = 0;
}

}  // namespace lv::audio
