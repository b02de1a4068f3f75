#include "llm/hermes_tools.h"

#include <nlohmann/json.hpp>

#include <utility>

namespace lv::llm {
namespace {

using nlohmann::json;

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string tools_prompt(const std::vector<ToolDefinition>& tools) {
  std::string out =
      "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
      "You are provided with function signatures within <tools></tools> XML tags:\n<tools>";
  for (const auto& tool : tools) {
    json parameters = tool.parameters_json.empty() ? json{{"type", "object"}, {"properties", json::object()}}
                                                   : json::parse(tool.parameters_json, nullptr, false);
    out += "\n" +
           dump({{"type", "function"},
                 {"function", {{"name", tool.name}, {"description", tool.description}, {"parameters", parameters}}}});
  }
  out +=
      "\n</tools>\n\nFor each function call, return a json object with function name and arguments within "
      "<tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": "
      "<args-json-object>}\n</tool_call>";
  return out;
}

std::string call_block(const ToolCall& call) {
  json arguments = json::parse(call.arguments_json.empty() ? "{}" : call.arguments_json, nullptr, false);
  if (arguments.is_discarded()) {
    arguments = call.arguments_json;
  }
  return std::string(kToolCallOpen) + "\n" + dump({{"name", call.name}, {"arguments", arguments}}) + "\n" +
         std::string(kToolCallClose);
}

}  // namespace

std::vector<ChatMessage> hermes_messages(const std::vector<ChatMessage>& messages,
                                         const std::vector<ToolDefinition>& tools) {
  std::vector<ChatMessage> out;
  const std::string tools_text = tools_prompt(tools);
  if (messages.empty() || messages.front().role != ChatRole::system) {
    out.emplace_back(ChatRole::system, tools_text);
  }
  for (const auto& message : messages) {
    if (message.role == ChatRole::system && out.empty()) {
      out.emplace_back(ChatRole::system, message.content + "\n\n" + tools_text);
    } else if (message.role == ChatRole::assistant && !message.tool_calls.empty()) {
      std::string content = message.content;
      for (const auto& call : message.tool_calls) {
        content += (content.empty() ? "" : "\n") + call_block(call);
      }
      out.emplace_back(ChatRole::assistant, std::move(content));
    } else if (message.role == ChatRole::tool) {
      const std::string block = "<tool_response>\n" + message.content + "\n</tool_response>";
      // Consecutive results share one user turn, as the Qwen2.5 template renders them.
      if (!out.empty() && out.back().role == ChatRole::user && out.back().content.starts_with("<tool_response>")) {
        out.back().content += "\n" + block;
      } else {
        out.emplace_back(ChatRole::user, block);
      }
    } else {
      out.emplace_back(message.role, message.content);
    }
  }
  return out;
}

ParsedToolCalls parse_hermes_tool_calls(std::string_view generated, std::string_view id_seed) {
  ParsedToolCalls parsed;
  std::size_t open = generated.find(kToolCallOpen);
  parsed.text = std::string(generated.substr(0, open));
  while (open != std::string_view::npos) {
    const std::size_t body = open + kToolCallOpen.size();
    const std::size_t close = generated.find(kToolCallClose, body);
    const json call =
        json::parse(generated.substr(body, close == std::string_view::npos ? close : close - body), nullptr, false);
    if (call.is_object() && call.contains("name") && call["name"].is_string()) {
      ToolCall tool_call;
      tool_call.id = "call_" + std::string(id_seed) + std::to_string(parsed.calls.size());
      tool_call.name = call["name"].get<std::string>();
      const json arguments = call.value("arguments", json::object());
      tool_call.arguments_json = arguments.is_string() ? arguments.get<std::string>() : dump(arguments);
      parsed.calls.push_back(std::move(tool_call));
    }
    if (close == std::string_view::npos) {
      break;
    }
    open = generated.find(kToolCallOpen, close + kToolCallClose.size());
  }
  while (!parsed.calls.empty() && !parsed.text.empty() && (parsed.text.back() == '\n' || parsed.text.back() == ' ')) {
    parsed.text.pop_back();
  }
  return parsed;
}

}  // namespace lv::llm
