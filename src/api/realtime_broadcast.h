// Server-initiated events sent to every open /v1/realtime connection (e.g. new engines are ready).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "server/websocket_handler.h"
#include "session/session_events.h"

namespace lv::api {

// Thread-safe. Connections register when they open; a closed connection drops out by itself.
class RealtimeBroadcast {
 public:
  void add(const server::WebSocketChannelPtr& channel);

  // {"type":"engines.updated","engines":[...],"message":...}: downloaded engines were swapped in; sessions
  // opened from now on use them. Returns how many connections it was sent to.
  std::size_t engines_updated(const std::vector<session::EngineNote>& engines, const std::string& message);

 private:
  std::size_t send_to_all(const std::string& text);

  std::mutex mutex_;
  std::vector<std::weak_ptr<server::WebSocketChannel>> channels_;
};

}  // namespace lv::api
