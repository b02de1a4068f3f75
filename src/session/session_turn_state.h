// The per-turn state of a SessionCore (the user's turn being heard, the agent's reply being given); private to
// the session module.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "audio/resampler.h"
#include "session/reply_track.h"
#include "session/session_core.h"
#include "tts/markdown_filter.h"
#include "tts/sentence_splitter.h"

namespace lv::session {

struct SessionCore::UserTurn {
  TurnId id = 0;
  double start_audio_ms = 0;
  bool ended = false;         // the user stopped; waiting for the final transcript
  bool interrupting = false;  // began as a barge-in; the reply is paused until words are heard
  bool transcript_taken = false;
  Clock::time_point speech_end_wall{};
  bool has_speech_end = false;
  double user_audio_ms = 0;
  double silence_ms = -1;
  // Partial transcripts: at most one in flight, one per ~600 ms of speech.
  double last_partial_ms = -1e9;
  bool partial_in_flight = false;
  std::string partial_text;
  // The early (at the VAD's speech end) or final transcription of stt_generation_, if one is running or done.
  bool stt_pending = false;
  bool early_done = false;
  std::string early_text;
  StopLinkPtr stt_stop;
};

struct SessionCore::LlmSlot {
  std::mutex mutex;  // one chat at a time: a cancelled turn's call ends before the next one starts
  llm::LlmSessionPtr session;
};

struct SessionCore::Reply {
  TurnId turn = 0;
  std::string user_text;
  ReplyStatus failure_status = ReplyStatus::completed;  // failed when an engine failed along the way
  TurnMetrics metrics;
  std::int64_t started_at_ms = 0;
  Clock::time_point created_at{};
  std::optional<Clock::time_point> speech_end_wall;
  StopLinkPtr llm_stop;
  StopLinkPtr tts_stop;
  StopLinkPtr context_stop;
  std::vector<Passage> passages;
  bool context_done = false;

  // Language model.
  Clock::time_point llm_request_at{};
  bool llm_running = false;
  bool llm_done = false;
  bool got_token = false;
  std::string llm_timeout;  // set when a deadline stopped the call
  std::string generated;
  std::vector<std::string> held_text;  // text deltas held back while the reply is paused

  // Text to speech: sentences spoken one at a time on the tts pool, in order.
  bool tts_enabled = false;
  bool tts_failed = false;
  tts::MarkdownFilter markdown;
  tts::SentenceSplitter splitter;
  std::deque<std::string> sentences;
  bool text_ended = false;
  bool tts_busy = false;
  std::uint64_t sentence_counter = 0;  // sentences handed to the engine
  std::shared_ptr<audio::Resampler> resampler;
  bool first_sentence_seen = false;

  // Output.
  std::unique_ptr<ReplyTrack> track;
  bool playing = false;  // pacing anchored (reset after a pause)
  Clock::time_point anchor_wall{};
  double anchor_audio_ms = 0;
  bool pacer_scheduled = false;
  bool first_frame_sent = false;
  bool paused = false;  // barge-in: no output until the interruption is confirmed or found false
  std::optional<std::uint32_t> heard_at_pause;
};

}  // namespace lv::session
