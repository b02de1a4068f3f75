// One conversation with one client: audio and text in, events (state, transcripts, reply text and audio,
// metrics) out. Turn-taking, streaming, barge-in and graceful degradation live here.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "history/history_recorder.h"
#include "llm/llm_engine.h"
#include "session/context_provider.h"
#include "session/session_events.h"
#include "session/session_options.h"
#include "session/session_runtime.h"
#include "stt/stt_engine.h"
#include "tts/tts_engine.h"
#include "vad/vad_engine.h"

namespace lv::session {

// The engines one session uses. Only vad and stt are required; a missing llm or tts degrades the session.
struct SessionEngines {
  vad::VadEnginePtr vad;
  stt::SttEnginePtr stt;
  llm::LlmEnginePtr llm;           // null: answers come from the knowledge base or say how to install a model
  tts::TtsEnginePtr tts;           // null: replies arrive as text only
  ContextProviderPtr context;      // null: no retrieval
  std::vector<EngineNote> status;  // from the engine status board, sent in SessionStarted
  std::string llm_install_command = "localvoice models pull --profile small";
  std::string stt_name, llm_name, tts_name;  // for metrics and history ("pocketsphinx:en-us")
};

class VoiceSession;
using VoiceSessionPtr = std::shared_ptr<VoiceSession>;

// Thread-safe: every method may be called from any thread (the WebSocket's I/O strand in the server) and
// returns at once; the work runs on the runtime's executors. Events reach the sink in order, one at a time.
class VoiceSession {
 public:
  virtual ~VoiceSession() = default;

  // Emits SessionStarted, then StateChanged(listening).
  virtual void start() = 0;
  // Queues PCM16 mono input at the session's input rate. Returns false (and emits an error) when the input
  // queue is over max_buffered_input_ms and the audio was dropped.
  virtual bool push_audio(std::span<const std::int16_t> samples) = 0;
  // A typed user message: a turn of its own (interrupts the agent if it is speaking).
  virtual void push_text(std::string text) = 0;
  // Push-to-talk released: the user's turn ends now, without waiting for silence.
  virtual void commit_input() = 0;
  // Stops the agent's reply at once (control: bypasses every queue).
  virtual void interrupt() = 0;
  // The client has played reply audio of `turn` up to and including frame `seq`.
  virtual void report_playout(TurnId turn, std::uint32_t seq) = 0;
  // Throws lv::Error naming the field when a value is out of range (nothing is changed then).
  virtual void update(const SessionUpdate& update) = 0;
  // Cancels all work; no event is emitted after close() returns. Idempotent. Records the session's end.
  virtual void close() = 0;

  virtual const std::string& id() const = 0;
  virtual SessionOptions options() const = 0;
};

// Told each state-machine transition a session takes, named as docs/architecture.md names them (tests hold the
// documented tables to what ran). Called on the session's strand; must not block.
using TransitionListener =
    std::function<void(std::string_view machine, std::string_view from, std::string_view event, std::string_view to)>;

// Validates options (throws lv::Error naming the field and the allowed range).
void validate(const SessionOptions& options);

VoiceSessionPtr create_voice_session(SessionRuntime& runtime, SessionEngines engines, SessionOptions options,
                                     EventSink sink, history::HistoryRecorderPtr history = nullptr,
                                     std::string session_id = {}, TransitionListener on_transition = {});

}  // namespace lv::session
