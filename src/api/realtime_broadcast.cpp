#include "api/realtime_broadcast.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "api/realtime_codec.h"

namespace lv::api {

void RealtimeBroadcast::add(const server::WebSocketChannelPtr& channel) {
  const std::lock_guard lock(mutex_);
  std::erase_if(channels_, [](const auto& weak) { return weak.expired(); });
  channels_.push_back(channel);
}

std::size_t RealtimeBroadcast::engines_updated(const std::vector<session::EngineNote>& engines,
                                               const std::string& message) {
  const nlohmann::json event{
      {"type", "engines.updated"}, {"engines", realtime::engines_json(engines)}, {"message", message}};
  return send_to_all(event.dump());
}

std::size_t RealtimeBroadcast::send_to_all(const std::string& text) {
  std::vector<server::WebSocketChannelPtr> open;
  {
    const std::lock_guard lock(mutex_);
    std::erase_if(channels_, [](const auto& weak) { return weak.expired(); });
    for (const auto& weak : channels_) {
      if (auto channel = weak.lock()) {
        open.push_back(std::move(channel));
      }
    }
  }
  // Sending queues the message on the connection's own write queue; it never blocks on the network.
  for (const auto& channel : open) {
    channel->send_text(text);
  }
  return open.size();
}

}  // namespace lv::api
