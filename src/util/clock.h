// Clock readings in the units the code base logs and stores: steady milliseconds and epoch time.
#pragma once

#include <chrono>
#include <cstdint>

namespace lv::util {

using SteadyClock = std::chrono::steady_clock;

// Milliseconds (fractional) from `from` to `to` on the steady clock.
inline double ms_between(SteadyClock::time_point from, SteadyClock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// Milliseconds (fractional) elapsed on the steady clock since `start`.
inline double ms_since(SteadyClock::time_point start) { return ms_between(start, SteadyClock::now()); }

// Seconds (fractional) elapsed on the steady clock since `start`.
inline double seconds_since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// Wall-clock time as milliseconds since the Unix epoch (for stored timestamps).
inline std::int64_t epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Wall-clock time as whole seconds since the Unix epoch.
inline std::int64_t epoch_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace lv::util
