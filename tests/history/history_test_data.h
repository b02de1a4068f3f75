// Sample sessions and turns for the history tests, with every field set so round trips check them all.
#pragma once

#include <string>

#include "history/history_recorder.h"

namespace lv::history::test_data {

inline SessionRecord session(const std::string& id, std::int64_t started_at_ms) {
  return {id, started_at_ms, "pocketsphinx:en-us", "llama:/models/qwen.gguf", "flite:slt"};
}

inline TurnRecord turn(const std::string& session_id, std::uint32_t number, std::int64_t started_at_ms) {
  TurnRecord turn;
  turn.session_id = session_id;
  turn.turn = number;
  turn.started_at_ms = started_at_ms;
  turn.user_text = "question number " + std::to_string(number);
  turn.assistant_text = "answer number " + std::to_string(number) + ".";
  turn.status = "completed";
  turn.stt_ms = 120.5;
  turn.retrieval_ms = 4.25;
  turn.llm_first_token_ms = 340;
  turn.tts_first_audio_ms = 410;
  turn.end_to_end_ms = 905;
  turn.first_sentence_ms = 380;
  turn.user_audio_ms = 1800;
  turn.reply_audio_ms = 3200;
  turn.prompt_tokens = 12 + static_cast<int>(number);
  turn.completion_tokens = 30;
  turn.stt_engine = "pocketsphinx:en-us";
  turn.llm_engine = "llama:/models/qwen.gguf";
  turn.tts_engine = "flite:slt";
  return turn;
}

}  // namespace lv::history::test_data
