// What the voice session records of a conversation; the SQLite store implements it, tests may fake it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace lv::history {

struct SessionRecord {
  std::string id;
  std::int64_t started_at_ms = 0;  // Unix epoch milliseconds
  std::string stt_engine;
  std::string llm_engine;
  std::string tts_engine;
};

struct TurnRecord {
  std::string session_id;
  std::uint32_t turn = 0;
  std::int64_t started_at_ms = 0;
  std::string user_text;
  std::string assistant_text;  // as heard: truncated to what was played when interrupted
  bool interrupted = false;
  std::string status;  // "completed", "interrupted", "failed"
  // Timings in milliseconds, -1 when the stage did not run.
  double stt_ms = -1;
  double retrieval_ms = -1;
  double llm_first_token_ms = -1;
  double tts_first_audio_ms = -1;
  double end_to_end_ms = -1;
  double first_sentence_ms = -1;
  double user_audio_ms = 0;
  double reply_audio_ms = 0;
  int prompt_tokens = 0;
  int completion_tokens = 0;
  std::string stt_engine;
  std::string llm_engine;
  std::string tts_engine;
};

// Thread-safe. A turn is durable once record_turn() returns (a crash right after loses nothing).
class HistoryRecorder {
 public:
  virtual ~HistoryRecorder() = default;
  virtual void record_session(const SessionRecord& session) = 0;
  virtual void record_turn(const TurnRecord& turn) = 0;
  virtual void end_session(const std::string& session_id, std::int64_t ended_at_ms) = 0;
};

using HistoryRecorderPtr = std::shared_ptr<HistoryRecorder>;

}  // namespace lv::history
