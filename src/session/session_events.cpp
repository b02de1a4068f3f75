#include "session/session_events.h"

namespace lv::session {

std::string_view state_name(AgentState state) {
  switch (state) {
    case AgentState::idle:
      return "idle";
    case AgentState::listening:
      return "listening";
    case AgentState::user_speaking:
      return "user_speaking";
    case AgentState::thinking:
      return "thinking";
    case AgentState::speaking:
      return "speaking";
  }
  return "idle";
}

std::string_view status_name(ReplyStatus status) {
  switch (status) {
    case ReplyStatus::completed:
      return "completed";
    case ReplyStatus::interrupted:
      return "interrupted";
    case ReplyStatus::failed:
      return "failed";
  }
  return "failed";
}

}  // namespace lv::session
