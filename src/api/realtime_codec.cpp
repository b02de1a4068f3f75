#include "api/realtime_codec.h"

#include <array>
#include <type_traits>

#include "util/text.h"

namespace lv::api::realtime {
namespace {

using nlohmann::json;

void put_u32(std::string& out, std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xFFU));
  }
}

std::uint32_t get_u32(std::string_view data, std::size_t offset) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    value |= static_cast<std::uint32_t>(static_cast<unsigned char>(data[offset + i])) << (8 * i);
  }
  return value;
}

// The PCM16 little-endian bytes as samples (the wire is little-endian whatever the host).
std::vector<std::int16_t> samples_from_bytes(std::string_view bytes) {
  std::vector<std::int16_t> samples(bytes.size() / 2);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const auto low = static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[2 * i]));
    const auto high = static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[2 * i + 1]));
    samples[i] = static_cast<std::int16_t>(static_cast<std::uint16_t>(low | (high << 8U)));
  }
  return samples;
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '+' || c == '-') {
    return 62;
  }
  if (c == '/' || c == '_') {
    return 63;
  }
  return -1;
}

// Reads an integer field in [low, high]; absent -> keeps `value`.
void read_int(const json& object, const char* field, const std::string& path, int low, int high, int& value) {
  const auto it = object.find(field);
  if (it == object.end()) {
    return;
  }
  if (!it->is_number()) {
    throw WireError("invalid_value", "'" + path + field + "' must be a number");
  }
  const double number = it->get<double>();
  if (number < low || number > high) {
    throw WireError("invalid_value", "'" + path + field + "' must be between " + std::to_string(low) + " and " +
                                         std::to_string(high) + " (got " + it->dump() + ")");
  }
  value = static_cast<int>(number);
}

std::optional<std::string> read_text(const json& object, const char* field, std::size_t max_bytes) {
  const auto it = object.find(field);
  if (it == object.end()) {
    return std::nullopt;
  }
  if (!it->is_string()) {
    throw WireError("invalid_value", std::string("'session.") + field + "' must be a string");
  }
  auto text = it->get<std::string>();
  if (text.size() > max_bytes) {
    throw WireError("invalid_value",
                    std::string("'session.") + field + "' is longer than " + std::to_string(max_bytes) + " bytes");
  }
  return text;
}

const json& object_field(const json& object, const char* field, const std::string& path) {
  const auto& value = object.at(field);
  if (!value.is_object()) {
    throw WireError("invalid_value", "'" + path + field + "' must be an object");
  }
  return value;
}

std::optional<int> read_rate(const json& session, const char* field) {
  if (!session.contains(field)) {
    return std::nullopt;
  }
  const auto& format = object_field(session, field, "session.");
  if (const auto type = format.find("type"); type != format.end() && *type != "pcm16") {
    throw WireError("invalid_value", std::string("'session.") + field + ".type' must be \"pcm16\"");
  }
  int rate = 0;
  read_int(format, "sample_rate_hz", std::string("session.") + field + ".", 8000, 48000, rate);
  return rate == 0 ? std::nullopt : std::optional<int>(rate);
}

json turn_detection_json(const session::TurnTakingOptions& turn) {
  return {{"type", "server_vad"},
          {"min_speech_ms", turn.min_speech_ms},
          {"silence_duration_ms", turn.end_of_turn_silence_ms},
          {"max_wait_ms", turn.max_wait_ms},
          {"min_interruption_ms", turn.min_interruption_ms},
          {"false_interruption_timeout_ms", turn.false_interruption_timeout_ms},
          {"interrupt_response", turn.allow_interruptions}};
}

json metrics_json(const session::TurnMetrics& m) {
  return {{"end_of_turn_silence_ms", m.end_of_turn_silence_ms},
          {"stt_ms", m.stt_ms},
          {"stt_wait_ms", m.stt_wait_ms},
          {"retrieval_ms", m.retrieval_ms},
          {"llm_first_token_ms", m.llm_first_token_ms},
          {"first_sentence_ms", m.first_sentence_ms},
          {"tts_first_audio_ms", m.tts_first_audio_ms},
          {"end_to_end_ms", m.end_to_end_ms},
          {"user_audio_ms", m.user_audio_ms},
          {"reply_audio_ms", m.reply_audio_ms},
          {"prompt_tokens", m.prompt_tokens},
          {"completion_tokens", m.completion_tokens},
          {"reply_chars", m.reply_chars},
          {"interrupted", m.interrupted},
          {"stt_engine", m.stt_engine},
          {"llm_engine", m.llm_engine},
          {"tts_engine", m.tts_engine}};
}

Outgoing text(const json& event) { return {false, event.dump(-1, ' ', false, json::error_handler_t::replace)}; }

}  // namespace

std::string encode_audio_frame(const FrameHeader& header, std::span<const std::int16_t> samples) {
  std::string out;
  out.reserve(kFrameHeaderBytes + samples.size() * 2);
  out.append(kFrameMagic);
  put_u32(out, header.turn_id);
  put_u32(out, header.seq);
  put_u32(out, header.timestamp_ms);
  for (const std::int16_t sample : samples) {
    const auto bits = static_cast<std::uint16_t>(sample);
    out.push_back(static_cast<char>(bits & 0xFFU));
    out.push_back(static_cast<char>(bits >> 8U));
  }
  return out;
}

AudioFrame decode_audio_frame(std::string_view data) {
  if (data.size() < kFrameHeaderBytes) {
    throw WireError("invalid_audio_frame", "a binary frame needs the 16-byte LVA1 header (got " +
                                               std::to_string(data.size()) + " bytes); see docs/protocol.md");
  }
  if (data.substr(0, 4) != kFrameMagic) {
    throw WireError("invalid_audio_frame", "a binary frame must start with the magic \"LVA1\"; see docs/protocol.md");
  }
  const auto payload = data.substr(kFrameHeaderBytes);
  if (payload.size() % 2 != 0) {
    throw WireError("invalid_audio_frame",
                    "PCM16 audio needs an even number of bytes (got " + std::to_string(payload.size()) + ")");
  }
  AudioFrame frame;
  frame.header.turn_id = get_u32(data, 4);
  frame.header.seq = get_u32(data, 8);
  frame.header.timestamp_ms = get_u32(data, 12);
  frame.samples = samples_from_bytes(payload);
  return frame;
}

std::vector<std::int16_t> decode_base64_pcm16(std::string_view text) {
  std::string bytes;
  bytes.reserve(text.size() * 3 / 4);
  std::uint32_t bits = 0;
  int bit_count = 0;
  for (const char c : text) {
    if (c == '=') {
      break;
    }
    const int value = base64_value(c);
    if (value < 0) {
      throw WireError("invalid_audio_frame", "'audio' is not valid base64");
    }
    bits = (bits << 6U) | static_cast<std::uint32_t>(value);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      bytes.push_back(static_cast<char>((bits >> bit_count) & 0xFFU));
    }
  }
  if (bytes.size() % 2 != 0) {
    throw WireError("invalid_audio_frame",
                    "PCM16 audio needs an even number of bytes (got " + std::to_string(bytes.size()) + ")");
  }
  return samples_from_bytes(bytes);
}

json engines_json(const std::vector<session::EngineNote>& notes) {
  json engines = json::array();
  for (const auto& engine : notes) {
    engines.push_back({{"kind", engine.kind},
                       {"url", engine.url},
                       {"state", engine.state},
                       {"detail", engine.detail},
                       {"summary", engine.summary}});
  }
  return engines;
}

json session_json(const SessionView& view, const session::SessionOptions& options) {
  const json engines = engines_json(view.engines);
  return {
      {"id", view.id},
      {"object", "realtime.session"},
      {"protocol", kProtocolVersion},
      {"engines", engines},
      {"degraded", view.degraded},
      {"input_audio_format", {{"type", "pcm16"}, {"sample_rate_hz", options.input_sample_rate_hz}, {"frame_ms", 20}}},
      {"output_audio_format",
       {{"type", "pcm16"}, {"sample_rate_hz", options.output_sample_rate_hz}, {"frame_ms", options.output_frame_ms}}},
      {"turn_detection", turn_detection_json(options.turn_taking)},
      {"instructions", options.system_prompt},
      {"voice", options.voice}};
}

session::SessionUpdate parse_session_update(const json& session, const session::SessionOptions& current) {
  if (!session.is_object()) {
    throw WireError("invalid_value", "'session' must be an object");
  }
  static constexpr std::array kKnown = {"instructions", "voice", "input_audio_format", "output_audio_format",
                                        "turn_detection"};
  for (const auto& [key, value] : session.items()) {
    bool known = false;
    for (const char* name : kKnown) {
      known = known || key == name;
    }
    if (!known) {
      throw WireError("invalid_value", "'session." + key + "' cannot be changed; see docs/protocol.md");
    }
  }
  session::SessionUpdate update;
  update.system_prompt = read_text(session, "instructions", 16384);
  update.voice = read_text(session, "voice", 256);
  update.input_sample_rate_hz = read_rate(session, "input_audio_format");
  update.output_sample_rate_hz = read_rate(session, "output_audio_format");
  if (session.contains("turn_detection")) {
    const auto& turn_json = object_field(session, "turn_detection", "session.");
    auto turn = current.turn_taking;
    const std::string path = "session.turn_detection.";
    read_int(turn_json, "min_speech_ms", path, 0, 10000, turn.min_speech_ms);
    read_int(turn_json, "silence_duration_ms", path, 100, 10000, turn.end_of_turn_silence_ms);
    read_int(turn_json, "max_wait_ms", path, 0, 60000, turn.max_wait_ms);
    read_int(turn_json, "min_interruption_ms", path, 0, 10000, turn.min_interruption_ms);
    read_int(turn_json, "false_interruption_timeout_ms", path, 0, 60000, turn.false_interruption_timeout_ms);
    if (const auto it = turn_json.find("interrupt_response"); it != turn_json.end()) {
      if (!it->is_boolean()) {
        throw WireError("invalid_value", "'" + path + "interrupt_response' must be true or false");
      }
      turn.allow_interruptions = it->get<bool>();
    }
    update.turn_taking = turn;
  }
  return update;
}

std::string parse_user_text(const json& event) {
  const auto item = event.find("item");
  if (item == event.end() || !item->is_object()) {
    throw WireError("invalid_value", "'item' must be an object {type: \"message\", role: \"user\", content: [...]}");
  }
  if (item->value("type", "message") != "message" || item->value("role", "user") != "user") {
    throw WireError("invalid_value",
                    "only user messages can be created ('item.type' \"message\", 'item.role' \"user\")");
  }
  const auto content = item->find("content");
  if (content == item->end() || !content->is_array()) {
    throw WireError("invalid_value", "'item.content' must be an array of {type: \"input_text\", text}");
  }
  std::string text;
  for (const auto& part : *content) {
    if (!part.is_object() || !part.contains("text") || !part["text"].is_string()) {
      throw WireError("invalid_value", "each 'item.content' part needs a string 'text'");
    }
    text += (text.empty() ? "" : " ") + part["text"].get<std::string>();
  }
  if (util::is_blank(text)) {
    throw WireError("invalid_value", "'item.content' has no text");
  }
  return text;
}

std::optional<Outgoing> encode_event(const session::SessionEvent& event) {
  return std::visit(
      [](const auto& e) -> std::optional<Outgoing> {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, session::SessionStarted>) {
          return std::nullopt;
        } else if constexpr (std::is_same_v<T, session::StateChanged>) {
          return text({{"type", "agent.state"}, {"state", session::state_name(e.state)}, {"turn_id", e.turn}});
        } else if constexpr (std::is_same_v<T, session::SpeechStarted>) {
          return text(
              {{"type", "input_audio_buffer.speech_started"}, {"turn_id", e.turn}, {"audio_start_ms", e.audio_ms}});
        } else if constexpr (std::is_same_v<T, session::SpeechStopped>) {
          return text(
              {{"type", "input_audio_buffer.speech_stopped"}, {"turn_id", e.turn}, {"audio_end_ms", e.audio_ms}});
        } else if constexpr (std::is_same_v<T, session::TranscriptPartial>) {
          return text({{"type", "conversation.item.input_audio_transcription.delta"},
                       {"turn_id", e.turn},
                       {"transcript", e.text}});
        } else if constexpr (std::is_same_v<T, session::TranscriptFinal>) {
          return text({{"type", "conversation.item.input_audio_transcription.completed"},
                       {"turn_id", e.turn},
                       {"transcript", e.text}});
        } else if constexpr (std::is_same_v<T, session::ReplyStarted>) {
          return text({{"type", "response.created"}, {"turn_id", e.turn}});
        } else if constexpr (std::is_same_v<T, session::ReplyTextDelta>) {
          return text({{"type", "response.text.delta"}, {"turn_id", e.turn}, {"delta", e.delta}});
        } else if constexpr (std::is_same_v<T, session::ReplySentence>) {
          return text({{"type", "response.audio_transcript.delta"},
                       {"turn_id", e.turn},
                       {"index", e.index},
                       {"delta", e.text},
                       {"first_seq", e.first_seq}});
        } else if constexpr (std::is_same_v<T, session::ReplyAudio>) {
          const auto timestamp = static_cast<std::uint32_t>(e.timestamp_ms < 0 ? 0 : e.timestamp_ms);
          return Outgoing{true, encode_audio_frame({e.turn, e.seq, timestamp}, e.samples)};
        } else if constexpr (std::is_same_v<T, session::PlaybackFlush>) {
          return text({{"type", "output_audio_buffer.cleared"}, {"turn_id", e.turn}});
        } else if constexpr (std::is_same_v<T, session::Citations>) {
          json citations = json::array();
          for (const auto& c : e.citations) {
            citations.push_back(
                {{"source", c.source}, {"heading", c.heading}, {"snippet", c.snippet}, {"score", c.score}});
          }
          return text({{"type", "response.citations"}, {"turn_id", e.turn}, {"citations", citations}});
        } else if constexpr (std::is_same_v<T, session::ReplyDone>) {
          return text({{"type", "response.done"},
                       {"turn_id", e.turn},
                       {"response",
                        {{"status", session::status_name(e.status)},
                         {"text", e.text_heard},
                         {"generated_text", e.text_generated}}}});
        } else if constexpr (std::is_same_v<T, session::TurnMetrics>) {
          return text({{"type", "turn.metrics"}, {"turn_id", e.turn}, {"metrics", metrics_json(e)}});
        } else {
          static_assert(std::is_same_v<T, session::SessionError>);
          return text(error_json(e.code, e.message, e.fix, nullptr, e.turn));
        }
      },
      event);
}

json error_json(std::string_view code, std::string_view message, std::string_view fix, const json& event_id,
                session::TurnId turn) {
  json error{{"code", code}, {"message", message}};
  if (!fix.empty()) {
    error["fix"] = fix;
  }
  if (!event_id.is_null()) {
    error["event_id"] = event_id;
  }
  if (turn != 0) {
    error["turn_id"] = turn;
  }
  return {{"type", "error"}, {"error", error}};
}

}  // namespace lv::api::realtime
