// The settings of one voice session and their defaults: the one definition every transport, the
// configuration and the wire codec convert to and from.
#pragma once

#include <optional>
#include <string>

#include "llm/llm_types.h"

namespace lv::session {

// When the agent takes the turn and when the user takes it back. Settable per session.
struct TurnTakingOptions {
  int min_speech_ms = 250;                   // shorter sounds are not speech (clicks, coughs)
  int end_of_turn_silence_ms = 500;          // silence after speech that ends the user's turn
  int max_wait_ms = 3000;                    // longest wait for a transcript before answering anyway
  int min_interruption_ms = 400;             // user speech this long while the agent speaks interrupts it
  int false_interruption_timeout_ms = 1500;  // no words within this after an interruption: resume the reply
  bool allow_interruptions = true;
};

struct SessionOptions {
  TurnTakingOptions turn_taking;
  std::string system_prompt =
      "You are LocalVoice, a helpful voice assistant. Answer briefly in plain spoken "
      "sentences.";
  std::string voice;                  // TTS voice; empty: the engine's default
  int input_sample_rate_hz = 16000;   // rate of the PCM16 the client sends
  int output_sample_rate_hz = 24000;  // rate of the reply audio frames (resampled from the engine's rate)
  int output_frame_ms = 20;
  int playback_lead_ms = 300;  // reply audio is sent at most this far ahead of real-time playout
  llm::ChatOptions chat;
  int max_history_messages = 24;  // older turns are dropped from the prompt (not from the history store)
  int stt_timeout_ms = 10000;
  int llm_first_token_timeout_ms = 15000;
  int llm_total_timeout_ms = 60000;
  int tts_timeout_ms = 10000;
  int retrieval_timeout_ms = 1000;
  int max_buffered_input_ms = 2000;  // input audio queued beyond this is dropped (with an error event)
};

// What a session.update may change; unset fields stay as they are.
struct SessionUpdate {
  std::optional<TurnTakingOptions> turn_taking;
  std::optional<std::string> system_prompt;
  std::optional<std::string> voice;
  std::optional<int> input_sample_rate_hz;
  std::optional<int> output_sample_rate_hz;
};

}  // namespace lv::session
