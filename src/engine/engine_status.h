// Which engines are loaded, loading, degraded or failed: feeds /ready, `doctor` and the session's first event.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "engine/engine_url.h"

namespace lv::engine {

enum class EngineState { loading, ready, degraded, failed, absent };

inline std::string_view state_name(EngineState state) {
  switch (state) {
    case EngineState::loading:
      return "loading";
    case EngineState::ready:
      return "ready";
    case EngineState::degraded:
      return "degraded";
    case EngineState::failed:
      return "failed";
    case EngineState::absent:
      return "absent";
  }
  return "unknown";
}

struct EngineStatus {
  EngineKind kind = EngineKind::vad;
  std::string url;  // as configured (redacted), empty when none is configured
  EngineState state = EngineState::absent;
  std::string detail;        // why it is degraded/failed and what fixes it (paths and commands, for `doctor`)
  std::string summary = {};  // a short phrase for people, e.g. "basic (the Silero model is not installed)"
};

// Thread-safe board of engine statuses, written while engines load and read by health endpoints.
class EngineStatusBoard {
 public:
  void set(EngineStatus status) {
    const std::lock_guard lock(mutex_);
    statuses_[status.kind] = std::move(status);
  }
  // Marks start-up loading finished: from now on /ready reports the engines' states.
  void mark_loaded() {
    const std::lock_guard lock(mutex_);
    loaded_ = true;
  }
  bool loaded() const {
    const std::lock_guard lock(mutex_);
    return loaded_;
  }
  std::vector<EngineStatus> snapshot() const {
    const std::lock_guard lock(mutex_);
    std::vector<EngineStatus> out;
    for (const auto& [kind, status] : statuses_) {
      out.push_back(status);
    }
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::map<EngineKind, EngineStatus> statuses_;
  bool loaded_ = false;
};

}  // namespace lv::engine
