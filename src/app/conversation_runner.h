// Runs a voice session from a recording, in real time, as a client would: feeds 20 ms frames, plays the
// reply audio on a simulated speaker (flushed on barge-in) and collects every event.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "audio/audio_buffer.h"
#include "session/session_events.h"
#include "session/session_runtime.h"
#include "session/voice_session.h"

namespace lv::app {

struct ConversationOptions {
  int max_wait_after_input_ms = 60000;  // give up waiting for the agent this long after the input ended
  int quiet_ms = 2000;                  // the conversation is over after this long listening with no event
};

// An event with when it happened (milliseconds since the first input frame).
struct TimedEvent {
  double at_ms = 0;
  session::SessionEvent event;
};

struct ConversationResult {
  std::vector<TimedEvent> events;  // every event except reply audio frames (counted below)
  std::size_t audio_frames = 0;
  audio::AudioBuffer speaker;  // what a client would have played, on the conversation's timeline
  double input_ms = 0;
  bool timed_out = false;  // the agent was still busy at max_wait_after_input_ms
};

// Creates the session with `create` (which receives the collecting sink), starts it, and feeds `input`
// (any rate; resampled to the session's input rate) in real time, then silence until the agent is done.
ConversationResult run_conversation(const std::function<session::VoiceSessionPtr(session::EventSink sink)>& create,
                                    const audio::AudioBuffer& input, const ConversationOptions& options = {});

}  // namespace lv::app
