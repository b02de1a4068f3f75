#include "session/user_turn.h"

#include <algorithm>

#include "session/turn_transcriber.h"
#include "util/clock.h"

namespace lv::session {

namespace {

using S = UserTurnState;
using E = UserTurnEvent;

UserTurnMachine::Observer observer_for(const TransitionListener& listener) {
  if (!listener) {
    return {};
  }
  return [listener](std::string_view machine, const UserTurnTransition& step) {
    listener(machine, name(step.from), name(step.event), name(step.to));
  };
}

}  // namespace

const std::array<UserTurnTransition, 21> kUserTurnTransitions{{
    {S::listening, E::speech_began, S::user_speaking},   {S::listening, E::barge_in, S::interrupting},
    {S::user_speaking, E::turn_ended, S::transcribing},  {S::user_speaking, E::text_input, S::listening},
    {S::interrupting, E::words_heard, S::user_speaking}, {S::interrupting, E::agent_stopped, S::user_speaking},
    {S::interrupting, E::turn_ended, S::confirming},     {S::interrupting, E::false_interruption, S::listening},
    {S::interrupting, E::text_input, S::listening},      {S::transcribing, E::speech_began, S::transcribing},
    {S::transcribing, E::transcript, S::listening},      {S::transcribing, E::no_words, S::listening},
    {S::transcribing, E::stt_failed, S::listening},      {S::transcribing, E::text_input, S::listening},
    {S::confirming, E::speech_began, S::confirming},     {S::confirming, E::words_heard, S::transcribing},
    {S::confirming, E::agent_stopped, S::transcribing},  {S::confirming, E::no_words, S::listening},
    {S::confirming, E::stt_failed, S::listening},        {S::confirming, E::false_interruption, S::listening},
    {S::confirming, E::text_input, S::listening},
}};

std::string_view name(UserTurnState state) {
  switch (state) {
    case S::listening:
      return "listening";
    case S::user_speaking:
      return "user_speaking";
    case S::interrupting:
      return "interrupting";
    case S::transcribing:
      return "transcribing";
    case S::confirming:
      return "confirming";
  }
  return "?";
}

std::string_view name(UserTurnEvent event) {
  switch (event) {
    case E::speech_began:
      return "speech_began";
    case E::barge_in:
      return "barge_in";
    case E::words_heard:
      return "words_heard";
    case E::agent_stopped:
      return "agent_stopped";
    case E::turn_ended:
      return "turn_ended";
    case E::transcript:
      return "transcript";
    case E::no_words:
      return "no_words";
    case E::stt_failed:
      return "stt_failed";
    case E::false_interruption:
      return "false_interruption";
    case E::text_input:
      return "text_input";
  }
  return "?";
}

UserTurn::UserTurn(TurnId turn_id, double start_ms, const TransitionListener& listener)
    : machine(kUserTurnMachineName, kUserTurnTransitions, UserTurnState::listening, observer_for(listener)),
      id(turn_id),
      start_audio_ms(start_ms) {}

void UserTurn::fill_metrics(TurnMetrics& metrics, Clock::time_point now) const {
  metrics.user_audio_ms = user_audio_ms;
  metrics.end_of_turn_silence_ms = silence_ms;
  if (speech_end_wall) {
    metrics.stt_ms = std::max(0.0, util::ms_between(*speech_end_wall, now));
    if (silence_ms >= 0) {
      metrics.stt_wait_ms = std::max(0.0, metrics.stt_ms - silence_ms);
    }
  }
}

void UserTurn::cancel_transcription() const {
  if (transcriber) {
    transcriber->cancel();
  }
  if (early && early->stop) {
    early->stop->request_stop();
  }
}

}  // namespace lv::session
