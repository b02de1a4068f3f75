// The /v1/realtime wire format: JSON events and LVA1 binary audio frames, to and from session domain types.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "session/session_events.h"
#include "session/voice_session.h"

namespace lv::api::realtime {

inline constexpr int kProtocolVersion = 1;
inline constexpr std::size_t kFrameHeaderBytes = 16;
inline constexpr std::string_view kFrameMagic = "LVA1";
inline constexpr int kMaxInputFrameMs = 100;

// A client message the protocol cannot accept: `code` is one of the documented error codes.
class WireError : public std::runtime_error {
 public:
  WireError(std::string code, const std::string& message) : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const noexcept { return code_; }

 private:
  std::string code_;
};

struct FrameHeader {
  std::uint32_t turn_id = 0;
  std::uint32_t seq = 0;
  std::uint32_t timestamp_ms = 0;
};

struct AudioFrame {
  FrameHeader header;
  std::vector<std::int16_t> samples;
};

std::string encode_audio_frame(const FrameHeader& header, std::span<const std::int16_t> samples);
// Throws WireError invalid_audio_frame (short, bad magic, odd byte count).
AudioFrame decode_audio_frame(std::string_view data);
// Base64 PCM16 (input_audio_buffer.append); throws WireError invalid_audio_frame.
std::vector<std::int16_t> decode_base64_pcm16(std::string_view text);

// What a client's session looks like on the wire (session.created / session.updated).
struct SessionView {
  std::string id;
  std::vector<session::EngineNote> engines;
  std::vector<std::string> degraded;
};
nlohmann::json session_json(const SessionView& view, const session::SessionOptions& options);
// The engines list of session.created/updated and engines.updated.
nlohmann::json engines_json(const std::vector<session::EngineNote>& notes);

// The session.update "session" object as a domain update, checked against the current options; throws
// WireError invalid_value naming the field.
session::SessionUpdate parse_session_update(const nlohmann::json& session, const session::SessionOptions& current);

// The text of a conversation.item.create user message; throws WireError invalid_value.
std::string parse_user_text(const nlohmann::json& event);

// One server event: JSON text, or a binary audio frame (ReplyAudio). SessionStarted is encoded by the caller
// (it needs the options) and yields nullopt here.
struct Outgoing {
  bool binary = false;
  std::string payload;
};
std::optional<Outgoing> encode_event(const session::SessionEvent& event);

nlohmann::json error_json(std::string_view code, std::string_view message, std::string_view fix = {},
                          const nlohmann::json& event_id = nullptr, session::TurnId turn = 0);

}  // namespace lv::api::realtime
