#include "api/realtime_endpoint.h"

#include <nlohmann/json.hpp>

#include <chrono>

#include "util/log.h"
#include "util/version.h"

namespace lv::api {
namespace {

// Until the voice session is attached, the endpoint validates events and says what it cannot do yet.
class RealtimeHandler final : public server::WebSocketHandler {
 public:
  RealtimeHandler(server::WebSocketChannelPtr channel, RealtimeLimits limits)
      : channel_(std::move(channel)), limits_(limits) {}

  void on_open() override {
    channel_->send_text(nlohmann::json{{"type", "session.created"},
                                       {"session", {{"id", channel_->connection_id()}, {"version", kVersion}}}}
                            .dump());
  }

  void on_text(std::string_view message) override {
    if (!count_message()) {
      return;
    }
    const auto event = nlohmann::json::parse(message, nullptr, false);
    if (event.is_discarded()) {
      send_error("invalid_json", "message is not valid JSON");
      return;
    }
    if (!event.is_object()) {
      send_error("invalid_event", "an event must be a JSON object");
      return;
    }
    const auto type = event.find("type");
    if (type == event.end() || !type->is_string()) {
      send_error("invalid_event", "an event needs a string field 'type'");
      return;
    }
    send_error("unknown_event", "unknown event type '" + type->get<std::string>() + "'",
               event.value("event_id", nlohmann::json()));
  }

  void on_binary(std::string_view data) override {
    if (!count_message()) {
      return;
    }
    send_error("audio_not_accepted", "binary audio frames are not accepted before a session is configured (" +
                                         std::to_string(data.size()) + " bytes ignored)");
  }

 private:
  // Counts messages per second; returns false (and closes) when the client floods.
  bool count_message() {
    const auto now = std::chrono::steady_clock::now();
    if (now - window_start_ >= std::chrono::seconds(1)) {
      window_start_ = now;
      window_count_ = 0;
    }
    if (++window_count_ > limits_.max_messages_per_second) {
      log::warn("realtime client flooding; closing", {{"connection_id", channel_->connection_id()}});
      channel_->close(server::CloseCode::policy_violation, "too many messages per second");
      return false;
    }
    return true;
  }

  void send_error(const std::string& code, const std::string& message, const nlohmann::json& event_id = nullptr) {
    nlohmann::json error{{"type", "error"}, {"error", {{"code", code}, {"message", message}}}};
    if (!event_id.is_null()) {
      error["error"]["event_id"] = event_id;
    }
    channel_->send_text(error.dump());
  }

  server::WebSocketChannelPtr channel_;
  RealtimeLimits limits_;
  std::chrono::steady_clock::time_point window_start_ = std::chrono::steady_clock::now();
  int window_count_ = 0;
};

}  // namespace

void add_realtime_endpoint(server::Router& router, RealtimeLimits limits) {
  router.add_websocket("/v1/realtime", [limits](const server::HttpRequest&, server::WebSocketChannelPtr channel) {
    return std::make_unique<RealtimeHandler>(std::move(channel), limits);
  });
}

}  // namespace lv::api
