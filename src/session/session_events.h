// The closed set of events a voice session emits. Every event names the turn it belongs to, so work from a
// cancelled turn can be recognised and dropped wherever it still is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lv::session {

// Turns are numbered from 1 within a session; 0 means "no turn" (session-level events).
using TurnId = std::uint32_t;

enum class AgentState { idle, listening, user_speaking, thinking, speaking };
std::string_view state_name(AgentState state);  // "idle", "listening", "user_speaking", "thinking", "speaking"

// One engine as the session sees it (from the engine status board).
struct EngineNote {
  std::string kind;          // "vad", "stt", "llm", "tts", "embeddings"
  std::string url;           // redacted; empty when none is configured
  std::string state;         // "ready", "degraded", "absent", "loading", "failed"
  std::string detail;        // why it is degraded and what fixes it
  std::string label = {};    // what the engine does, for people: "Voice detection"
  std::string summary = {};  // a short phrase for people: "basic (the Silero model is not installed)"
};

struct SessionStarted {
  std::string session_id;
  std::vector<EngineNote> engines;
  std::vector<std::string> degraded;  // one short line per missing or failed engine, for people
  int input_sample_rate_hz = 0;
  int output_sample_rate_hz = 0;
};

struct StateChanged {
  TurnId turn = 0;
  AgentState state = AgentState::idle;
};

struct SpeechStarted {
  TurnId turn = 0;
  double audio_ms = 0;  // stream time of the (padded) start of speech
};

struct SpeechStopped {
  TurnId turn = 0;
  double audio_ms = 0;
};

struct TranscriptPartial {
  TurnId turn = 0;
  std::string text;  // the whole hypothesis so far (replaces the previous partial)
};

struct TranscriptFinal {
  TurnId turn = 0;
  std::string text;
};

struct ReplyStarted {
  TurnId turn = 0;
};

// Text as the language model generates it.
struct ReplyTextDelta {
  TurnId turn = 0;
  std::string delta;
};

// A sentence whose audio is about to start: clients show text in step with the voice.
struct ReplySentence {
  TurnId turn = 0;
  std::size_t index = 0;
  std::string text;
  std::uint32_t first_seq = 0;  // sequence number of its first audio frame
};

// One frame of reply audio (PCM16 mono). Sequence numbers start at 0 for each turn; the timestamp is the
// frame's offset in the turn's reply audio.
struct ReplyAudio {
  TurnId turn = 0;
  std::uint32_t seq = 0;
  double timestamp_ms = 0;
  int sample_rate_hz = 0;
  std::vector<std::int16_t> samples;
};

// The client must drop whatever reply audio of `turn` it has buffered and stop playing at once.
struct PlaybackFlush {
  TurnId turn = 0;
};

struct Citation {
  std::string source;   // file path relative to the knowledge folder
  std::string heading;  // heading trail ("Setup > Network")
  std::string snippet;  // a short excerpt
  double score = 0;
};

struct Citations {
  TurnId turn = 0;
  std::vector<Citation> citations;
};

enum class ReplyStatus { completed, interrupted, failed };
std::string_view status_name(ReplyStatus status);  // "completed", "interrupted", "failed"

struct ReplyDone {
  TurnId turn = 0;
  ReplyStatus status = ReplyStatus::completed;
  std::string text_heard;      // what was played out (all of it unless interrupted)
  std::string text_generated;  // what the model produced
};

// Where one turn's time went. Times are milliseconds; -1 when the stage did not run.
struct TurnMetrics {
  TurnId turn = 0;
  double end_of_turn_silence_ms = -1;  // the silence waited for before the turn was taken
  double stt_ms = -1;                  // end of user speech -> final transcript
  double stt_wait_ms = -1;             // the part of stt_ms after the end-of-turn silence (at least 0)
  double retrieval_ms = -1;
  double llm_first_token_ms = -1;  // request -> first token
  double first_sentence_ms = -1;   // request -> first sentence ready for speech
  double tts_first_audio_ms = -1;  // first sentence handed to TTS -> its first audio
  double end_to_end_ms = -1;       // end of user speech -> first reply audio frame leaving the server
  double user_audio_ms = 0;
  double reply_audio_ms = 0;
  int prompt_tokens = 0;
  int completion_tokens = 0;
  std::size_t reply_chars = 0;
  bool interrupted = false;
  std::string stt_engine;
  std::string llm_engine;
  std::string tts_engine;
};

struct SessionError {
  TurnId turn = 0;
  std::string code;  // stable, machine-readable: "stt_failed", "llm_failed", "tts_failed", "no_llm", ...
  std::string message;
  std::string fix;
};

using SessionEvent = std::variant<SessionStarted, StateChanged, SpeechStarted, SpeechStopped, TranscriptPartial,
                                  TranscriptFinal, ReplyStarted, ReplyTextDelta, ReplySentence, ReplyAudio,
                                  PlaybackFlush, Citations, ReplyDone, TurnMetrics, SessionError>;

// Receives a session's events in order, one call at a time (never concurrently). Must not block: the API
// layer only encodes and queues them.
using EventSink = std::function<void(SessionEvent event)>;

}  // namespace lv::session
