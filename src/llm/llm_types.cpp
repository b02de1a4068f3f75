#include "llm/llm_types.h"

namespace lv::llm {

std::string_view role_name(ChatRole role) {
  switch (role) {
    case ChatRole::system:
      return "system";
    case ChatRole::user:
      return "user";
    case ChatRole::assistant:
      return "assistant";
    case ChatRole::tool:
      return "tool";
  }
  return "user";
}

std::optional<ChatRole> parse_role(std::string_view name) {
  for (ChatRole role : {ChatRole::system, ChatRole::user, ChatRole::assistant, ChatRole::tool}) {
    if (role_name(role) == name) {
      return role;
    }
  }
  return std::nullopt;
}

std::string_view finish_reason_name(FinishReason reason) {
  switch (reason) {
    case FinishReason::stop:
      return "stop";
    case FinishReason::length:
      return "length";
    case FinishReason::cancelled:
      return "cancelled";
    case FinishReason::error:
      return "error";
    case FinishReason::tool_calls:
      return "tool_calls";
  }
  return "error";
}

}  // namespace lv::llm
