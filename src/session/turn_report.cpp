#include "session/turn_report.h"

#include "util/log.h"

namespace lv::session {

namespace {

void observe_ms(metrics::Registry& registry, const std::string& name, const std::string& help, double ms) {
  if (ms >= 0) {
    registry.histogram(name, help).observe(ms / 1000.0);
  }
}

}  // namespace

void observe_turn(metrics::Registry& registry, const TurnMetrics& metrics, ReplyStatus status) {
  observe_ms(registry, "localvoice_turn_end_to_end_seconds",
             "End of user speech to the first reply audio frame sent, per voice turn", metrics.end_to_end_ms);
  observe_ms(registry, "localvoice_turn_stt_seconds", "End of user speech to the final transcript", metrics.stt_ms);
  observe_ms(registry, "localvoice_turn_stt_wait_seconds",
             "Wait for the final transcript after the end-of-turn silence", metrics.stt_wait_ms);
  observe_ms(registry, "localvoice_turn_retrieval_seconds", "Knowledge-base retrieval time per turn",
             metrics.retrieval_ms);
  observe_ms(registry, "localvoice_turn_llm_first_token_seconds", "Language-model request to its first token",
             metrics.llm_first_token_ms);
  observe_ms(registry, "localvoice_turn_first_sentence_seconds",
             "Language-model request to the first sentence ready for speech", metrics.first_sentence_ms);
  observe_ms(registry, "localvoice_turn_tts_first_audio_seconds",
             "First sentence handed to text-to-speech to its first audio", metrics.tts_first_audio_ms);
  observe_ms(registry, "localvoice_turn_end_of_turn_silence_seconds",
             "Silence waited for before the agent took the turn", metrics.end_of_turn_silence_ms);
  registry
      .counter("localvoice_turns_total", "Voice turns by how the reply ended",
               {{"status", std::string(status_name(status))}})
      .inc();
}

void log_turn(const std::string& session_id, const TurnMetrics& metrics, ReplyStatus status) {
  log::info("turn complete", {{"session_id", session_id},
                              {"turn", static_cast<std::uint64_t>(metrics.turn)},
                              {"status", status_name(status)},
                              {"end_of_turn_silence_ms", metrics.end_of_turn_silence_ms},
                              {"stt_ms", metrics.stt_ms},
                              {"stt_wait_ms", metrics.stt_wait_ms},
                              {"retrieval_ms", metrics.retrieval_ms},
                              {"llm_first_token_ms", metrics.llm_first_token_ms},
                              {"first_sentence_ms", metrics.first_sentence_ms},
                              {"tts_first_audio_ms", metrics.tts_first_audio_ms},
                              {"end_to_end_ms", metrics.end_to_end_ms},
                              {"user_audio_ms", metrics.user_audio_ms},
                              {"reply_audio_ms", metrics.reply_audio_ms},
                              {"prompt_tokens", metrics.prompt_tokens},
                              {"completion_tokens", metrics.completion_tokens},
                              {"reply_chars", static_cast<std::uint64_t>(metrics.reply_chars)},
                              {"interrupted", metrics.interrupted},
                              {"stt_engine", metrics.stt_engine},
                              {"llm_engine", metrics.llm_engine},
                              {"tts_engine", metrics.tts_engine}});
}

history::TurnRecord turn_record(const std::string& session_id, const TurnMetrics& metrics, ReplyStatus status,
                                std::int64_t started_at_ms, const std::string& user_text,
                                const std::string& assistant_text) {
  history::TurnRecord record;
  record.session_id = session_id;
  record.turn = metrics.turn;
  record.started_at_ms = started_at_ms;
  record.user_text = user_text;
  record.assistant_text = assistant_text;
  record.interrupted = status == ReplyStatus::interrupted;
  record.status = std::string(status_name(status));
  record.stt_ms = metrics.stt_ms;
  record.retrieval_ms = metrics.retrieval_ms;
  record.llm_first_token_ms = metrics.llm_first_token_ms;
  record.tts_first_audio_ms = metrics.tts_first_audio_ms;
  record.end_to_end_ms = metrics.end_to_end_ms;
  record.first_sentence_ms = metrics.first_sentence_ms;
  record.user_audio_ms = metrics.user_audio_ms;
  record.reply_audio_ms = metrics.reply_audio_ms;
  record.prompt_tokens = metrics.prompt_tokens;
  record.completion_tokens = metrics.completion_tokens;
  record.stt_engine = metrics.stt_engine;
  record.llm_engine = metrics.llm_engine;
  record.tts_engine = metrics.tts_engine;
  return record;
}

}  // namespace lv::session
