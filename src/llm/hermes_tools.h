// Tool calling in the Hermes / Qwen2.5 prompt style: <tools> in the system prompt, <tool_call> JSON replies.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "llm/llm_types.h"

namespace lv::llm {

inline constexpr std::string_view kToolCallOpen = "<tool_call>";
inline constexpr std::string_view kToolCallClose = "</tool_call>";

// The conversation rewritten for a template that knows nothing of tools: the tool descriptions and calling
// instructions join the system prompt, assistant calls become <tool_call> blocks and tool results become
// user turns holding <tool_response> blocks.
std::vector<ChatMessage> hermes_messages(const std::vector<ChatMessage>& messages,
                                         const std::vector<ToolDefinition>& tools);

// Generated text split into the free text before the first <tool_call> and the calls it holds (an
// unterminated last block still counts when its JSON is complete). Blocks that are not a JSON object with
// a string "name" are dropped. Ids are "call_" followed by `id_seed` and the call's position.
struct ParsedToolCalls {
  std::string text;
  std::vector<ToolCall> calls;
};
ParsedToolCalls parse_hermes_tool_calls(std::string_view generated, std::string_view id_seed);

}  // namespace lv::llm
