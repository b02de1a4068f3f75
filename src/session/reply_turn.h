// One agent reply in progress: its state machine, what it answers, the text and audio made so far and its
// metrics. The session holds one at a time; the reply stages read and extend it on the session's strand.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "session/context_provider.h"
#include "session/reply_states.h"
#include "session/reply_track.h"
#include "session/session_events.h"

namespace lv::session {

struct ReplyTurn {
  using Clock = std::chrono::steady_clock;

  ReplyTurn(TurnId turn_id, const ReplyObserver& observer, int output_sample_rate_hz, int output_frame_ms)
      : turn(turn_id),
        machine(kReplyMachineName, reply_transitions(), ReplyState::idle, observer),
        track(output_sample_rate_hz, output_frame_ms) {}

  bool paused() const { return machine.in(ReplyState::paused); }

  TurnId turn = 0;
  ReplyMachine machine;
  std::string user_text;                                // empty for a canned answer
  std::optional<std::string> canned_text;               // a fixed answer: no retrieval, no language model
  ReplyStatus failure_status = ReplyStatus::completed;  // failed when an engine failed along the way
  TurnMetrics metrics;
  std::int64_t started_at_ms = 0;
  Clock::time_point created_at = Clock::now();
  std::optional<Clock::time_point> speech_end_wall;
  std::optional<Clock::time_point> llm_request_at;  // first_sentence_ms counts from here
  std::vector<Passage> passages;                    // retrieved for the prompt, numbered

  std::string generated;               // every character of the reply's text so far
  std::vector<std::string> held_text;  // text deltas held back while the reply is paused

  ReplyTrack track;  // the reply's audio as sent and heard
  std::optional<std::uint32_t> heard_at_pause;
};

}  // namespace lv::session
