#include "api/realtime_endpoint.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include "api/realtime_codec.h"
#include "session/session_connection.h"
#include "util/error.h"
#include "util/log.h"
#include "util/version.h"

namespace lv::api {
namespace {

using nlohmann::json;

// The connection's output in the wire format; shared with the session's sinks, which may outlive the handler
// by the time it takes the session to close.
class Outbox {
 public:
  explicit Outbox(server::WebSocketChannelPtr channel) : channel_(std::move(channel)) {}

  void send(const session::SessionEvent& event) {
    if (auto encoded = realtime::encode_event(event)) {
      if (encoded->binary) {
        channel_->send_binary(std::move(encoded->payload));
      } else {
        channel_->send_text(std::move(encoded->payload));
      }
    }
  }

  // session.created (the greeting) or session.updated.
  void announce(const session::SessionAnnouncement& announcement) {
    const realtime::SessionView view{announcement.id, announcement.engines, announcement.degraded};
    channel_->send_text(json{{"type", announcement.first ? "session.created" : "session.updated"},
                             {"session", realtime::session_json(view, announcement.options)}}
                            .dump());
  }

  void send_error(std::string_view code, std::string_view message, std::string_view fix = {},
                  const json& event_id = nullptr) {
    channel_->send_text(realtime::error_json(code, message, fix, event_id).dump());
  }

  const server::WebSocketChannelPtr& channel() const { return channel_; }

 private:
  server::WebSocketChannelPtr channel_;
};

// The sinks of a connection's session, writing to `outbox` while it lives.
session::ConnectionSinks sinks_to(const std::shared_ptr<Outbox>& outbox) {
  const std::weak_ptr<Outbox> weak = outbox;
  return {[weak](const session::SessionAnnouncement& announcement) {
            if (const auto box = weak.lock()) {
              box->announce(announcement);
            }
          },
          [weak](const session::SessionEvent& event) {
            if (const auto box = weak.lock()) {
              box->send(event);
            }
          }};
}

class RealtimeHandler final : public server::WebSocketHandler {
 public:
  RealtimeHandler(server::WebSocketChannelPtr channel, RealtimeContext context, bool protocol_ok)
      : outbox_(std::make_shared<Outbox>(std::move(channel))),
        context_(std::move(context)),
        protocol_ok_(protocol_ok),
        connection_(context_.make_session, outbox_->channel()->connection_id(), sinks_to(outbox_)) {}

  ~RealtimeHandler() override { connection_.close(); }
  RealtimeHandler(const RealtimeHandler&) = delete;
  RealtimeHandler& operator=(const RealtimeHandler&) = delete;

  void on_open() override {
    if (!protocol_ok_) {
      outbox_->send_error("unsupported_protocol",
                          "this server speaks realtime protocol version " + std::to_string(realtime::kProtocolVersion),
                          "connect with ?protocol=" + std::to_string(realtime::kProtocolVersion));
      outbox_->channel()->close(server::CloseCode::protocol_error, "unsupported protocol version");
      return;
    }
    if (context_.broadcast) {
      context_.broadcast->add(outbox_->channel());
    }
    (void)connection_.open();
  }

  void on_text(std::string_view message) override {
    if (!count_message()) {
      return;
    }
    const auto event = json::parse(message, nullptr, false);
    if (event.is_discarded()) {
      outbox_->send_error("invalid_json", "message is not valid JSON");
      return;
    }
    if (!event.is_object()) {
      outbox_->send_error("invalid_event", "an event must be a JSON object");
      return;
    }
    const auto type = event.find("type");
    if (type == event.end() || !type->is_string()) {
      outbox_->send_error("invalid_event", "an event needs a string field 'type'");
      return;
    }
    const json event_id = event.value("event_id", json());
    try {
      dispatch(type->get<std::string>(), event, event_id);
    } catch (const realtime::WireError& e) {
      outbox_->send_error(e.code(), e.what(), {}, event_id);
    } catch (const Error& e) {
      outbox_->send_error("invalid_value", e.what(), e.fix(), event_id);
    } catch (const json::exception& e) {
      outbox_->send_error("invalid_value", std::string("malformed event: ") + e.what(), {}, event_id);
    }
  }

  void on_binary(std::string_view data) override {
    if (!count_message()) {
      return;
    }
    try {
      auto frame = realtime::decode_audio_frame(data);
      if (have_seq_ && frame.header.seq <= last_seq_) {
        throw realtime::WireError("audio_out_of_order", "audio frame seq " + std::to_string(frame.header.seq) +
                                                            " is not after the previous frame's " +
                                                            std::to_string(last_seq_) + "; the frame was dropped");
      }
      have_seq_ = true;
      last_seq_ = frame.header.seq;
      push_audio(frame.samples);
    } catch (const realtime::WireError& e) {
      outbox_->send_error(e.code(), e.what());
    }
  }

  void on_close() override { connection_.close(); }

 private:
  void dispatch(const std::string& type, const json& event, const json& event_id) {
    if (type == "session.update") {
      require_session();
      const auto session = event.find("session");
      if (session == event.end()) {
        throw realtime::WireError("invalid_value", "'session' is missing");
      }
      connection_.update(realtime::parse_session_update(*session, connection_.options()));
    } else if (type == "input_audio_buffer.append") {
      const auto audio = event.find("audio");
      if (audio == event.end() || !audio->is_string()) {
        throw realtime::WireError("invalid_value", "'audio' must be a base64 string of PCM16 samples");
      }
      push_audio(realtime::decode_base64_pcm16(audio->get<std::string>()));
    } else if (type == "input_audio_buffer.commit") {
      require_session().commit_input();
    } else if (type == "conversation.item.create") {
      require_session().push_text(realtime::parse_user_text(event));
    } else if (type == "response.cancel") {
      require_session().interrupt();
    } else if (type == "output_audio.playout") {
      auto& voice = require_session();
      const auto turn = event.find("turn_id");
      const auto seq = event.find("seq");
      if (turn == event.end() || !turn->is_number_unsigned() || seq == event.end() || !seq->is_number_unsigned()) {
        throw realtime::WireError("invalid_value", "'turn_id' and 'seq' must be non-negative integers");
      }
      voice.report_playout(turn->get<session::TurnId>(), seq->get<std::uint32_t>());
    } else {
      outbox_->send_error("unknown_event", "unknown event type '" + type + "'; see docs/protocol.md", {}, event_id);
    }
  }

  void push_audio(const std::vector<std::int16_t>& samples) {
    auto& voice = require_session();
    const int rate_hz = connection_.options().input_sample_rate_hz;
    const auto max_samples = static_cast<std::size_t>(rate_hz) * realtime::kMaxInputFrameMs / 1000;
    if (samples.size() > max_samples) {
      throw realtime::WireError("audio_frame_too_large",
                                "an audio frame holds at most " + std::to_string(realtime::kMaxInputFrameMs) + " ms (" +
                                    std::to_string(max_samples) + " samples at " + std::to_string(rate_hz) +
                                    " Hz); got " + std::to_string(samples.size()) + " samples. Send 20 ms frames");
    }
    voice.push_audio(samples);  // on overflow the session reports input_overflow itself
  }

  session::VoiceSession& require_session() {
    auto* voice = connection_.session();
    if (voice == nullptr) {
      throw realtime::WireError("session_not_ready",
                                connection_.offers_sessions()
                                    ? "the engines are still loading; retry when GET /ready says ready"
                                    : "voice sessions are not available in this program");
    }
    return *voice;
  }

  // Counts messages per second; returns false (and closes) when the client floods.
  bool count_message() {
    const auto now = std::chrono::steady_clock::now();
    if (now - window_start_ >= std::chrono::seconds(1)) {
      window_start_ = now;
      window_count_ = 0;
    }
    if (++window_count_ > context_.limits.max_messages_per_second) {
      log::warn("realtime client flooding; closing", {{"connection_id", outbox_->channel()->connection_id()}});
      outbox_->channel()->close(server::CloseCode::policy_violation, "too many messages per second");
      return false;
    }
    return true;
  }

  std::shared_ptr<Outbox> outbox_;
  RealtimeContext context_;
  bool protocol_ok_ = true;
  session::SessionConnection connection_;  // after outbox_ and context_, which it is built from
  bool have_seq_ = false;
  std::uint32_t last_seq_ = 0;
  std::chrono::steady_clock::time_point window_start_ = std::chrono::steady_clock::now();
  int window_count_ = 0;
};

}  // namespace

void add_realtime_endpoint(server::Router& router, const RealtimeContext& context) {
  router.add_websocket("/v1/realtime",
                       [context](const server::HttpRequest& request, server::WebSocketChannelPtr channel) {
                         const auto protocol = request.query_param("protocol");
                         const bool protocol_ok = !protocol || *protocol == std::to_string(realtime::kProtocolVersion);
                         return std::make_unique<RealtimeHandler>(std::move(channel), context, protocol_ok);
                       });
}

void add_realtime_endpoint(server::Router& router, RealtimeLimits limits) {
  add_realtime_endpoint(router, RealtimeContext{{}, limits, nullptr});
}

}  // namespace lv::api
