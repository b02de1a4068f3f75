#include "session/reply_states.h"

#include <array>

namespace lv::session {

namespace {

using S = ReplyState;
using E = ReplyEvent;

constexpr std::array<ReplyTransition, 11> kReplyTransitions{{
    {S::idle, E::start, S::thinking},
    {S::thinking, E::frame_sent, S::speaking},
    {S::thinking, E::barge_in, S::paused},
    {S::speaking, E::barge_in, S::paused},
    {S::paused, E::resume, S::speaking},
    {S::paused, E::resume_before_audio, S::thinking},
    {S::thinking, E::drained, S::done},
    {S::speaking, E::drained, S::done},
    {S::thinking, E::cancel, S::cancelled},
    {S::speaking, E::cancel, S::cancelled},
    {S::paused, E::cancel, S::cancelled},
}};

}  // namespace

std::string_view name(ReplyState state) {
  switch (state) {
    case S::idle:
      return "idle";
    case S::thinking:
      return "thinking";
    case S::speaking:
      return "speaking";
    case S::paused:
      return "paused";
    case S::done:
      return "done";
    case S::cancelled:
      return "cancelled";
  }
  return "?";
}

std::string_view name(ReplyEvent event) {
  switch (event) {
    case E::start:
      return "start";
    case E::frame_sent:
      return "frame_sent";
    case E::barge_in:
      return "barge_in";
    case E::resume:
      return "resume";
    case E::resume_before_audio:
      return "resume_before_audio";
    case E::cancel:
      return "cancel";
    case E::drained:
      return "drained";
  }
  return "?";
}

std::span<const ReplyTransition> reply_transitions() { return kReplyTransitions; }

}  // namespace lv::session
