#include "api/chat_routes.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <random>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

#include "api/json_body.h"
#include "llm/json_schema_grammar.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::api {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxChatBodyBytes = std::size_t{4} << 20;  // long conversations with documents

struct ChatRequest {
  std::vector<llm::ChatMessage> messages;
  llm::ChatOptions options;
  bool stream = false;
  bool include_usage = false;
};

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

[[noreturn]] void bad_request(const std::string& message, const std::string& code = "invalid_value") {
  throw server::HttpError(400, message, "invalid_request_error", code);
}

// "content" is a string or, in newer clients, an array of parts of which we take the text ones.
std::string message_text(const json& content, std::size_t index) {
  if (content.is_null()) {
    return {};
  }
  if (content.is_string()) {
    return content.get<std::string>();
  }
  if (content.is_array()) {
    std::string text;
    for (const auto& part : content) {
      if (!part.is_object() || part.value("type", "") != "text" || !part.contains("text") ||
          !part["text"].is_string()) {
        bad_request("messages[" + std::to_string(index) + "].content: only text parts are supported");
      }
      text += part["text"].get<std::string>();
    }
    return text;
  }
  bad_request("messages[" + std::to_string(index) + "].content must be a string or an array of text parts");
}

// tools: [{"type": "function", "function": {"name", "description", "parameters"}}]
std::vector<llm::ToolDefinition> parse_tools(const json& body) {
  std::vector<llm::ToolDefinition> tools;
  const auto list = body.find("tools");
  if (list == body.end() || list->is_null()) {
    return tools;
  }
  if (!list->is_array()) {
    bad_request("'tools' must be an array of {\"type\": \"function\", \"function\": {...}} objects");
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string where = "tools[" + std::to_string(i) + "]";
    const json& item = (*list)[i];
    if (!item.is_object() || item.value("type", "function") != "function" || !item.contains("function") ||
        !item["function"].is_object()) {
      bad_request(where + " must be {\"type\": \"function\", \"function\": {...}}");
    }
    const json& function = item["function"];
    llm::ToolDefinition tool;
    tool.name = function.value("name", "");
    if (tool.name.empty() || !function["name"].is_string()) {
      bad_request(where + ".function.name must be a non-empty string", "missing_field");
    }
    if (const auto description = function.find("description"); description != function.end()) {
      tool.description = description->is_string() ? description->get<std::string>() : description->dump();
    }
    if (const auto parameters = function.find("parameters"); parameters != function.end() && !parameters->is_null()) {
      tool.parameters_json = dump(*parameters);
    }
    try {
      llm::check_json_schema(tool.parameters_json, where + ".function.parameters");
    } catch (const Error& e) {
      bad_request(e.full_message(), "invalid_schema");
    }
    tools.push_back(std::move(tool));
  }
  return tools;
}

// tool_choice: "auto" | "none" | "required" | {"type": "function", "function": {"name": "..."}}
llm::ToolChoice parse_tool_choice(const json& body, const std::vector<llm::ToolDefinition>& tools) {
  llm::ToolChoice choice;
  const auto found = body.find("tool_choice");
  if (found == body.end() || found->is_null()) {
    return choice;
  }
  if (found->is_string()) {
    const std::string mode = found->get<std::string>();
    if (mode == "auto") return choice;
    if (mode == "none")
      choice.mode = llm::ToolChoiceMode::none;
    else if (mode == "required")
      choice.mode = llm::ToolChoiceMode::required;
    else
      bad_request("'tool_choice' must be \"auto\", \"none\", \"required\" or a function");
  } else if (found->is_object() && found->contains("function") && (*found)["function"].is_object()) {
    choice.mode = llm::ToolChoiceMode::function;
    choice.function_name = (*found)["function"].value("name", "");
  } else {
    bad_request(
        "'tool_choice' must be \"auto\", \"none\", \"required\" or {\"type\": \"function\", "
        "\"function\": {\"name\": ...}}");
  }
  if (choice.mode != llm::ToolChoiceMode::automatic && choice.mode != llm::ToolChoiceMode::none && tools.empty()) {
    bad_request("'tool_choice' needs 'tools'");
  }
  if (choice.mode == llm::ToolChoiceMode::function &&
      std::none_of(tools.begin(), tools.end(), [&](const auto& t) { return t.name == choice.function_name; })) {
    bad_request("'tool_choice.function.name' '" + choice.function_name + "' is not one of the tools");
  }
  return choice;
}

// An assistant message's tool_calls: [{"id", "type": "function", "function": {"name", "arguments"}}]
std::vector<llm::ToolCall> parse_message_tool_calls(const json& item, std::size_t index) {
  std::vector<llm::ToolCall> calls;
  const auto list = item.find("tool_calls");
  if (list == item.end() || list->is_null()) {
    return calls;
  }
  const std::string where = "messages[" + std::to_string(index) + "].tool_calls";
  if (!list->is_array()) {
    bad_request(where + " must be an array");
  }
  for (const auto& entry : *list) {
    if (!entry.is_object() || !entry.contains("function") || !entry["function"].is_object()) {
      bad_request(where + " entries must be {\"id\", \"type\": \"function\", \"function\": {...}}");
    }
    const json& function = entry["function"];
    llm::ToolCall call;
    call.id = entry.value("id", "");
    call.name = function.value("name", "");
    const auto arguments = function.find("arguments");
    if (arguments != function.end()) {
      call.arguments_json = arguments->is_string() ? arguments->get<std::string>() : dump(*arguments);
    }
    calls.push_back(std::move(call));
  }
  return calls;
}

ChatRequest parse_chat_request(const server::HttpRequest& http) {
  const json body = parse_json_object(http);
  ChatRequest request;
  const auto messages = body.find("messages");
  if (messages == body.end() || !messages->is_array() || messages->empty()) {
    bad_request("'messages' must be a non-empty array of {\"role\", \"content\"} objects", "missing_field");
  }
  for (std::size_t i = 0; i < messages->size(); ++i) {
    const json& item = (*messages)[i];
    if (!item.is_object()) {
      bad_request("messages[" + std::to_string(i) + "] must be an object");
    }
    const std::string role_text = item.value("role", "");
    const auto role = llm::parse_role(role_text == "developer" ? "system" : role_text);
    if (!role) {
      bad_request("messages[" + std::to_string(i) + "].role '" + role_text +
                  "' is not one of system, user, assistant, tool");
    }
    llm::ChatMessage message(*role, message_text(item.contains("content") ? item["content"] : json(), i));
    if (item.contains("tool_call_id") && item["tool_call_id"].is_string()) {
      message.tool_call_id = item["tool_call_id"].get<std::string>();
    }
    message.tool_calls = parse_message_tool_calls(item, i);
    request.messages.push_back(std::move(message));
  }
  request.stream = optional_bool(body, "stream").value_or(false);
  request.options.tools = parse_tools(body);
  request.options.tool_choice = parse_tool_choice(body, request.options.tools);
  request.options.parallel_tool_calls = optional_bool(body, "parallel_tool_calls").value_or(true);
  if (const auto options = body.find("stream_options"); options != body.end() && options->is_object()) {
    request.include_usage = optional_bool(*options, "include_usage").value_or(false);
  }
  auto& opts = request.options;
  if (const auto temperature = optional_number(body, "temperature")) {
    if (*temperature < 0 || *temperature > 2) bad_request("'temperature' must be between 0 and 2");
    opts.temperature = static_cast<float>(*temperature);
  }
  if (const auto top_p = optional_number(body, "top_p")) {
    if (*top_p <= 0 || *top_p > 1) bad_request("'top_p' must be greater than 0 and at most 1");
    opts.top_p = static_cast<float>(*top_p);
  }
  auto max_tokens = optional_number(body, "max_completion_tokens");
  if (!max_tokens) max_tokens = optional_number(body, "max_tokens");
  if (max_tokens) {
    if (*max_tokens < 1 || *max_tokens > 1'000'000) bad_request("'max_tokens' must be a positive whole number");
    opts.max_tokens = static_cast<int>(*max_tokens);
  }
  if (const auto seed = optional_number(body, "seed")) {
    opts.seed = static_cast<std::uint32_t>(static_cast<std::int64_t>(*seed));
  }
  if (const auto n = optional_number(body, "n"); n && *n != 1) {
    bad_request("only n=1 is supported");
  }
  if (const auto stop = body.find("stop"); stop != body.end() && !stop->is_null()) {
    if (stop->is_string()) {
      opts.stop.push_back(stop->get<std::string>());
    } else if (stop->is_array() && stop->size() <= 4) {
      for (const auto& s : *stop) {
        if (!s.is_string()) bad_request("'stop' entries must be strings");
        opts.stop.push_back(s.get<std::string>());
      }
    } else {
      bad_request("'stop' must be a string or an array of up to 4 strings");
    }
  }
  return request;
}

std::string completion_id() {
  static constexpr char kDigits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937 rng(std::random_device{}());
  std::string id = "chatcmpl-";
  for (int i = 0; i < 24; ++i) {
    id += kDigits[rng() % (sizeof(kDigits) - 1)];
  }
  return id;
}

std::string finish_text(llm::FinishReason reason) {
  if (reason == llm::FinishReason::tool_calls) {
    return "tool_calls";
  }
  return reason == llm::FinishReason::length ? "length" : "stop";
}

json tool_call_json(const llm::ToolCall& call) {
  return {
      {"id", call.id}, {"type", "function"}, {"function", {{"name", call.name}, {"arguments", call.arguments_json}}}};
}

json usage_json(const llm::ChatTimings& timings) {
  return {{"prompt_tokens", timings.prompt_tokens},
          {"completion_tokens", timings.completion_tokens},
          {"total_tokens", timings.prompt_tokens + timings.completion_tokens}};
}

server::HttpError engine_unavailable(const Error& e) {
  return server::HttpError(503, e.full_message(), "server_error", "engine_unavailable");
}

server::HttpResponse complete(const std::shared_ptr<llm::LlmEngine>& engine, const std::string& model_name,
                              const ChatRequest& request) {
  llm::ChatResult result;
  try {
    result = engine->create_session()->chat(request.messages, request.options, [](const llm::ChatDelta&) {});
  } catch (const Error& e) {
    throw engine_unavailable(e);
  }
  if (result.finish_reason == llm::FinishReason::error) {
    throw server::HttpError(502, result.error, "server_error", "generation_failed");
  }
  json message = {{"role", "assistant"}, {"content", result.content}};
  if (!result.tool_calls.empty()) {
    json calls = json::array();
    for (const auto& call : result.tool_calls) {
      calls.push_back(tool_call_json(call));
    }
    message["tool_calls"] = std::move(calls);
    if (result.content.empty()) {
      message["content"] = nullptr;
    }
  }
  const json response = {
      {"id", completion_id()},
      {"object", "chat.completion"},
      {"created", util::epoch_seconds()},
      {"model", model_name},
      {"choices",
       json::array({{{"index", 0}, {"message", message}, {"finish_reason", finish_text(result.finish_reason)}}})},
      {"usage", usage_json(result.timings)}};
  return server::HttpResponse::json(dump(response));
}

server::HttpResponse stream(std::shared_ptr<llm::LlmEngine> engine, std::string model_name, ChatRequest request) {
  server::HttpResponse response;
  response.content_type = "text/event-stream";
  response.headers = {{"Cache-Control", "no-cache"}};
  response.stream = [engine = std::move(engine), model_name = std::move(model_name),
                     request = std::move(request)](server::ResponseStream& out) {
    const std::string id = completion_id();
    const std::int64_t created = util::epoch_seconds();
    auto chunk = [&](json delta, const json& finish_reason) {
      return json{
          {"id", id},
          {"object", "chat.completion.chunk"},
          {"created", created},
          {"model", model_name},
          {"choices", json::array({{{"index", 0}, {"delta", std::move(delta)}, {"finish_reason", finish_reason}}})}};
    };
    std::stop_source stop;
    auto send = [&](const json& event) {
      if (!out.write("data: " + dump(event) + "\n\n")) {
        stop.request_stop();
      }
    };
    // A silent client (no deltas yet, e.g. during a long prompt) is noticed through this watcher.
    std::jthread watcher([&out, &stop](const std::stop_token& done) {
      while (!done.stop_requested() && !stop.stop_requested()) {
        if (out.client_gone()) {
          stop.request_stop();
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    });
    send(chunk({{"role", "assistant"}, {"content", ""}}, nullptr));
    llm::ChatResult result;
    int tool_index = 0;
    try {
      result = engine->create_session()->chat(
          request.messages, request.options,
          [&](const llm::ChatDelta& delta) {
            if (!delta.content.empty()) {
              send(chunk({{"content", delta.content}}, nullptr));
            }
            for (const auto& call : delta.tool_calls) {
              json entry = tool_call_json(call);
              entry["index"] = tool_index++;
              send(chunk({{"tool_calls", json::array({entry})}}, nullptr));
            }
          },
          stop.get_token());
    } catch (const Error& e) {
      result.finish_reason = llm::FinishReason::error;
      result.error = e.full_message();
    }
    watcher.request_stop();
    if (result.finish_reason == llm::FinishReason::cancelled) {
      log::info("chat completion cancelled: client went away", {{"model", model_name}});
      return;
    }
    if (result.finish_reason == llm::FinishReason::error) {
      send({{"error", {{"message", result.error}, {"type", "server_error"}, {"code", "generation_failed"}}}});
    } else {
      send(chunk(json::object(), finish_text(result.finish_reason)));
      if (request.include_usage) {
        send({{"id", id},
              {"object", "chat.completion.chunk"},
              {"created", created},
              {"model", model_name},
              {"choices", json::array()},
              {"usage", usage_json(result.timings)}});
      }
    }
    out.write("data: [DONE]\n\n");
  };
  return response;
}

}  // namespace

void add_chat_routes(server::Router& router, std::shared_ptr<llm::LlmEngine> engine, std::string model_name) {
  server::RouteOptions options;
  options.runs_on = server::RunsOn::worker;
  options.max_body_bytes = kMaxChatBodyBytes;
  router.add(
      "POST", "/v1/chat/completions",
      [engine = std::move(engine), model_name](const server::HttpRequest& http) {
        ChatRequest request = parse_chat_request(http);
        if (request.stream) {
          return stream(engine, model_name, std::move(request));
        }
        return complete(engine, model_name, request);
      },
      options);
  server::RouteOptions cheap;
  cheap.runs_on = server::RunsOn::io_thread;
  router.add(
      "GET", "/v1/models",
      [model_name](const server::HttpRequest&) {
        const json list = {{"object", "list"},
                           {"data", json::array({{{"id", model_name},
                                                  {"object", "model"},
                                                  {"created", util::epoch_seconds()},
                                                  {"owned_by", "localvoice"}}})}};
        return server::HttpResponse::json(dump(list));
      },
      cheap);
}

}  // namespace lv::api
