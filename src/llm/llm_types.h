// Domain types of chat generation: messages, options, streamed deltas, timings and finish reasons.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lv::llm {

enum class ChatRole { system, user, assistant, tool };

std::string_view role_name(ChatRole role);  // "system", "user", "assistant", "tool"
// Parses a role name; std::nullopt when unknown.
std::optional<ChatRole> parse_role(std::string_view name);

// A function call requested by the model.
struct ToolCall {
  std::string id;              // unique within the conversation ("call_..."); answered by a tool message
  std::string name;            // one of ChatOptions::tools
  std::string arguments_json;  // a JSON object as text, as the model wrote it
};

// A function the model may call. `parameters_json` is a JSON Schema (object) as text; empty means no arguments.
struct ToolDefinition {
  std::string name;
  std::string description;
  std::string parameters_json;
};

enum class ToolChoiceMode {
  automatic,  // the model decides between text and calls ("auto")
  none,       // never call (tools are still described)
  required,   // must call at least one tool
  function,   // must call `function_name`
};

struct ToolChoice {
  ToolChoiceMode mode = ToolChoiceMode::automatic;
  std::string function_name;  // for ToolChoiceMode::function
};

struct ChatMessage {
  ChatMessage() = default;
  ChatMessage(ChatRole role_in, std::string content_in) : role(role_in), content(std::move(content_in)) {}

  ChatRole role = ChatRole::user;
  std::string content;
  std::vector<ToolCall> tool_calls;  // assistant messages that called tools
  std::string tool_call_id;          // tool messages: which call this answers
};

struct ChatOptions {
  std::optional<float> temperature;  // engine default when unset; <= 0 means greedy
  std::optional<float> top_p;
  int max_tokens = 0;                 // 0: until the model stops or the context is full
  std::vector<std::string> stop;      // stop sequences; never part of the streamed text
  std::optional<std::uint32_t> seed;  // fixed seed for reproducible sampling
  std::vector<ToolDefinition> tools;  // none: plain chat, exactly as before tools existed
  ToolChoice tool_choice;
  bool parallel_tool_calls = true;  // the model may ask for several calls in one answer
};

// One streamed piece of the answer. `content` is always valid UTF-8 (possibly empty when only tool calls).
// A tool call is delivered whole, once its arguments are complete.
struct ChatDelta {
  std::string content;
  std::vector<ToolCall> tool_calls;
};

enum class FinishReason { stop, length, cancelled, error, tool_calls };
// "stop", "length", "cancelled", "error", "tool_calls"
std::string_view finish_reason_name(FinishReason reason);

struct ChatTimings {
  double time_to_first_token_ms = 0;  // from the call to the first delta (0 when none)
  double total_ms = 0;
  double tokens_per_s = 0;      // completion tokens over the generation time after the first token
  int prompt_tokens = 0;        // tokens in the whole prompt
  int prompt_eval_tokens = -1;  // prompt tokens actually computed (the rest came from the cache); -1 unknown
  int completion_tokens = 0;
};

struct ChatResult {
  FinishReason finish_reason = FinishReason::stop;
  std::string error;                 // for FinishReason::error: what went wrong and what to check
  std::string content;               // the whole answer as streamed
  std::vector<ToolCall> tool_calls;  // with FinishReason::tool_calls: the calls the model asked for, in order
  ChatTimings timings;
};

// Receives deltas in order, on the thread that called chat().
using DeltaCallback = std::function<void(const ChatDelta& delta)>;

}  // namespace lv::llm
