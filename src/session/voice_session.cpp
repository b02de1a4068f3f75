#include "session/voice_session.h"

#include <random>
#include <string>

#include "session/session_core.h"
#include "util/error.h"

namespace lv::session {

namespace {

void check_range(const char* field, int value, int min_value, int max_value) {
  if (value < min_value || value > max_value) {
    throw Error(std::string("session option ") + field + " is " + std::to_string(value),
                "set " + std::string(field) + " to a value from " + std::to_string(min_value) + " to " +
                    std::to_string(max_value));
  }
}

std::string new_session_id() {
  std::random_device device;
  std::mt19937_64 generator((static_cast<std::uint64_t>(device()) << 32U) ^ device());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "sess_";
  for (int i = 0; i < 16; ++i) {
    id += kHex[generator() % 16];
  }
  return id;
}

}  // namespace

void validate(const SessionOptions& options) {
  const auto& turn = options.turn_taking;
  check_range("min_speech_ms", turn.min_speech_ms, 0, 5000);
  check_range("end_of_turn_silence_ms", turn.end_of_turn_silence_ms, 0, 10000);
  check_range("max_wait_ms", turn.max_wait_ms, 0, 60000);
  check_range("min_interruption_ms", turn.min_interruption_ms, 0, 10000);
  check_range("false_interruption_timeout_ms", turn.false_interruption_timeout_ms, 0, 60000);
  check_range("input_sample_rate_hz", options.input_sample_rate_hz, 8000, 192000);
  check_range("output_sample_rate_hz", options.output_sample_rate_hz, 8000, 96000);
  check_range("output_frame_ms", options.output_frame_ms, 5, 100);
  check_range("playback_lead_ms", options.playback_lead_ms, 0, 10000);
  check_range("max_history_messages", options.max_history_messages, 0, 1000);
  check_range("stt_timeout_ms", options.stt_timeout_ms, 1, 600000);
  check_range("llm_first_token_timeout_ms", options.llm_first_token_timeout_ms, 1, 600000);
  check_range("llm_total_timeout_ms", options.llm_total_timeout_ms, 1, 3600000);
  check_range("tts_timeout_ms", options.tts_timeout_ms, 1, 600000);
  check_range("retrieval_timeout_ms", options.retrieval_timeout_ms, 1, 600000);
  check_range("max_buffered_input_ms", options.max_buffered_input_ms, 100, 60000);
  if (options.system_prompt.size() > 64 * 1024) {
    throw Error("session option system_prompt is " + std::to_string(options.system_prompt.size()) + " bytes",
                "keep the system prompt under 64 KiB");
  }
  if (options.chat.max_tokens < 0) {
    throw Error("session option chat.max_tokens is negative", "set it to 0 (no limit) or a positive count");
  }
}

VoiceSessionPtr create_voice_session(SessionRuntime& runtime, SessionEngines engines, SessionOptions options,
                                     EventSink sink, history::HistoryRecorderPtr history, std::string session_id,
                                     TransitionListener on_transition) {
  validate(options);
  if (!engines.vad) {
    throw Error("a voice session needs a voice-activity detector", "configure engines.vad (e.g. energy:)");
  }
  if (!engines.stt) {
    throw Error("a voice session needs a speech-to-text engine", "configure engines.stt (e.g. pocketsphinx:en-us)");
  }
  if (!sink) {
    throw Error("a voice session needs an event sink", "pass a function that receives the session's events");
  }
  if (session_id.empty()) {
    session_id = new_session_id();
  }
  return std::make_shared<SessionCore>(runtime, std::move(engines), std::move(options), std::move(sink),
                                       std::move(history), std::move(session_id), std::move(on_transition));
}

}  // namespace lv::session
