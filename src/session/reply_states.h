// The agent reply's life cycle as a table-driven state machine: its states, the events that move it and the
// one table both the session and docs/architecture.md ("Reply states") follow.
#pragma once

#include <span>
#include <string_view>

#include "session/state_machine.h"

namespace lv::session {

enum class ReplyState {
  idle,       // made, not started
  thinking,   // context, language model and synthesis at work; no audio out since the start (or the resume)
  speaking,   // reply audio is going out (text and synthesis may still be arriving)
  paused,     // a barge-in: no output until the interruption is confirmed (words) or found false (silence)
  done,       // every stage drained: the reply was given in full (its status says whether an engine failed)
  cancelled,  // cut short: interrupt(), a new turn, or a confirmed barge-in
};

enum class ReplyEvent {
  start,                // the pipeline takes the user's text (or a canned answer)
  frame_sent,           // the first audio frame since the start (or since resuming before any audio) went out
  barge_in,             // the user began to speak over the reply
  resume,               // a false interruption after audio had gone out: replay from the cut sentence
  resume_before_audio,  // a false interruption before any audio went out: carry on
  cancel,               // the reply ends unfinished
  drained,              // every stage has finished its part
};

std::string_view name(ReplyState state);
std::string_view name(ReplyEvent event);

using ReplyTransition = Transition<ReplyState, ReplyEvent>;
using ReplyMachine = StateMachine<ReplyState, ReplyEvent>;
using ReplyObserver = TransitionObserver<ReplyState, ReplyEvent>;

// Every transition the reply may take, in the order docs/architecture.md lists them.
std::span<const ReplyTransition> reply_transitions();

// The machine's name in logs and observers.
inline constexpr std::string_view kReplyMachineName = "reply";

}  // namespace lv::session
