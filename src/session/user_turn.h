// The user's side of a voice turn: its state machine (listening -> user_speaking / interrupting -> transcribing /
// confirming -> listening), the facts the reply's metrics need, and what its transcription has produced so far.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "session/session_events.h"
#include "session/state_machine.h"
#include "session/stop_link.h"
#include "session/voice_session.h"

namespace lv::session {

class TurnTranscriber;

enum class UserTurnState {
  listening,      // no user turn (where every turn starts and ends)
  user_speaking,  // the user has the turn
  interrupting,   // speech over the agent's reply: the reply is paused until words are heard (or none come)
  transcribing,   // the user stopped: waiting for the final transcript
  confirming,     // a barge-in ended before words were heard: the transcript confirms or cancels it
};

enum class UserTurnEvent {
  speech_began,        // confirmed speech; while transcribing it is held as the next turn
  barge_in,            // speech long enough to interrupt the agent
  words_heard,         // a transcript of the interrupting speech has words: the reply is cut for good
  agent_stopped,       // the client stopped the reply (interrupt()): the speech is a turn of its own
  turn_ended,          // end-of-turn silence (or a commit)
  transcript,          // words: the reply to them starts
  no_words,            // an empty transcript: nothing was said
  stt_failed,          // the recognizer failed or took too long
  false_interruption,  // no words within false_interruption_timeout_ms: the reply resumes
  text_input,          // a typed message replaces the spoken turn
};

std::string_view name(UserTurnState state);
std::string_view name(UserTurnEvent event);

using UserTurnMachine = StateMachine<UserTurnState, UserTurnEvent>;
using UserTurnTransition = Transition<UserTurnState, UserTurnEvent>;

// Every transition the user turn may take (documented under "User turn states" in docs/architecture.md).
extern const std::array<UserTurnTransition, 21> kUserTurnTransitions;

inline constexpr std::string_view kUserTurnMachineName = "user_turn";

// One user turn, from the first confirmed speech to the transcript that ends it. Touched on the session's strand.
class UserTurn {
 public:
  using Clock = std::chrono::steady_clock;

  UserTurn(TurnId id, double start_audio_ms, const TransitionListener& listener);

  UserTurnMachine machine;
  const TurnId id;
  const double start_audio_ms;
  double user_audio_ms = 0;
  double silence_ms = -1;
  // When the last speech audio arrived (known from the VAD's speech end on; cleared when the speech goes on).
  std::optional<Clock::time_point> speech_end_wall;

  // The turn's audio on its way to the recognizer (null when there is no recognizer).
  std::shared_ptr<TurnTranscriber> transcriber;
  std::size_t fed_samples = 0;  // turn audio handed to the transcriber so far

  // Partial transcripts: at most one in flight, one per ~600 ms of speech (while a barge-in is decided, one per
  // stretch of new audio).
  double last_partial_ms = -1e9;
  std::size_t partial_fed_samples = 0;  // audio the last partial was asked for
  bool partial_in_flight = false;
  std::string partial_text;

  // A hypothesis taken at the VAD's speech end, for decoders that only decode when asked: if the silence lasts
  // it is the transcript. `text` is unset while it runs; `generation` says which stretch of speech it covers.
  struct Early {
    std::uint64_t generation = 0;
    StopLinkPtr stop;
    std::optional<std::string> text;
  };
  std::optional<Early> early;

  bool ended() const { return machine.in(UserTurnState::transcribing) || machine.in(UserTurnState::confirming); }
  bool interrupting() const { return machine.in(UserTurnState::interrupting) || machine.in(UserTurnState::confirming); }
  // The turn's transcript was taken (or given up): results still on their way are stale.
  bool over() const { return machine.in(UserTurnState::listening); }

  // The user-turn half of the turn's metrics, as of `now` (the transcript's arrival).
  void fill_metrics(TurnMetrics& metrics, Clock::time_point now) const;
  // Stops every transcription of the turn still queued or running.
  void cancel_transcription() const;
};

}  // namespace lv::session
