#include "llm/openai_engine.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <utility>

#include "llm/sse_parser.h"
#include "llm/text_stream.h"
#include "net/remote_api.h"
#include "util/error.h"

namespace lv::llm {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

json message_json(const ChatMessage& message) {
  json out = {{"role", role_name(message.role)}, {"content", message.content}};
  if (!message.tool_calls.empty()) {
    json calls = json::array();
    for (const auto& call : message.tool_calls) {
      calls.push_back({{"id", call.id},
                       {"type", "function"},
                       {"function", {{"name", call.name}, {"arguments", call.arguments_json}}}});
    }
    out["tool_calls"] = std::move(calls);
  }
  if (message.role == ChatRole::tool) {
    out["tool_call_id"] = message.tool_call_id;
  }
  return out;
}

void add_tools(json& body, const ChatOptions& options) {
  if (options.tools.empty()) {
    return;
  }
  json tools = json::array();
  for (const auto& tool : options.tools) {
    json parameters = tool.parameters_json.empty() ? json{{"type", "object"}, {"properties", json::object()}}
                                                   : json::parse(tool.parameters_json, nullptr, false);
    tools.push_back(
        {{"type", "function"},
         {"function", {{"name", tool.name}, {"description", tool.description}, {"parameters", parameters}}}});
  }
  body["tools"] = std::move(tools);
  switch (options.tool_choice.mode) {
    case ToolChoiceMode::automatic:
      body["tool_choice"] = "auto";
      break;
    case ToolChoiceMode::none:
      body["tool_choice"] = "none";
      break;
    case ToolChoiceMode::required:
      body["tool_choice"] = "required";
      break;
    case ToolChoiceMode::function:
      body["tool_choice"] = {{"type", "function"}, {"function", {{"name", options.tool_choice.function_name}}}};
      break;
  }
  body["parallel_tool_calls"] = options.parallel_tool_calls;
}

// Streamed tool calls arrive as fragments per index: the id and name once, the arguments in pieces.
void merge_tool_call_deltas(const json& list, std::vector<ToolCall>& calls) {
  for (const auto& entry : list) {
    if (!entry.is_object()) {
      continue;
    }
    const auto index = static_cast<std::size_t>(entry.value("index", static_cast<int>(calls.size())));
    if (index >= calls.size()) {
      calls.resize(index + 1);
    }
    ToolCall& call = calls[index];
    if (const auto id = entry.find("id"); id != entry.end() && id->is_string()) {
      call.id = id->get<std::string>();
    }
    const auto function = entry.find("function");
    if (function == entry.end() || !function->is_object()) {
      continue;
    }
    if (const auto name = function->find("name"); name != function->end() && name->is_string()) {
      call.name += name->get<std::string>();
    }
    if (const auto arguments = function->find("arguments"); arguments != function->end()) {
      call.arguments_json += arguments->is_string() ? arguments->get<std::string>() : arguments->dump();
    }
  }
}

json request_body(const RemoteOptions& remote, const std::vector<ChatMessage>& messages, const ChatOptions& options) {
  json body;
  body["model"] = remote.model;
  body["stream"] = true;
  body["stream_options"] = {{"include_usage", true}};
  json list = json::array();
  for (const auto& message : messages) {
    list.push_back(message_json(message));
  }
  body["messages"] = std::move(list);
  add_tools(body, options);
  if (options.temperature) body["temperature"] = *options.temperature;
  if (options.top_p) body["top_p"] = *options.top_p;
  if (options.max_tokens > 0) body["max_tokens"] = options.max_tokens;
  if (options.seed) body["seed"] = *options.seed;
  if (!options.stop.empty()) body["stop"] = options.stop;
  return body;
}

class OpenAiSession : public LlmSession {
 public:
  explicit OpenAiSession(RemoteOptions options) : options_(std::move(options)) {}

  ChatResult chat(const std::vector<ChatMessage>& messages, const ChatOptions& options, const DeltaCallback& on_delta,
                  std::stop_token stop) override;

 private:
  RemoteOptions options_;
};

ChatResult OpenAiSession::chat(const std::vector<ChatMessage>& messages, const ChatOptions& options,
                               const DeltaCallback& on_delta, std::stop_token stop) {
  const auto started = Clock::now();
  ChatResult result;
  if (messages.empty()) {
    throw Error("a chat needs at least one message", "send a user message");
  }
  const RemoteServer server{
      "OpenAI-compatible server",
      "start one with `llama-server -m MODEL.gguf --port PORT` or fix the URL in the llm engine setting (openai:" +
          options_.base_url + ")",
      "check ?model= in the engine URL; GET " + options_.base_url + "/models lists the models the server has"};

  DeltaText text(options.stop);
  SseParser parser;
  int chunks = 0;
  bool done = false;
  std::string finish;
  std::string stream_error;
  std::vector<ToolCall> calls;
  StreamedAnswer answer(result, on_delta, started);
  auto emit = [&answer](std::string piece) { answer.emit(std::move(piece)); };
  auto on_event = [&](const SseEvent& event) {
    if (done || event.data.empty() || stop.stop_requested()) {
      return;
    }
    if (event.data == "[DONE]") {
      done = true;
      return;
    }
    const json chunk = json::parse(event.data, nullptr, false);
    if (chunk.is_discarded() || !chunk.is_object()) {
      stream_error = "the server sent a malformed stream event: " + event.data.substr(0, 200);
      done = true;
      return;
    }
    if (chunk.contains("error")) {
      stream_error = "the server reported an error mid-answer: " + net::error_message_from_body(event.data);
      done = true;
      return;
    }
    if (const auto usage = chunk.find("usage"); usage != chunk.end() && usage->is_object()) {
      result.timings.prompt_tokens = usage->value("prompt_tokens", result.timings.prompt_tokens);
      result.timings.completion_tokens = usage->value("completion_tokens", result.timings.completion_tokens);
    }
    if (const auto timings = chunk.find("timings"); timings != chunk.end() && timings->is_object()) {
      result.timings.prompt_eval_tokens = timings->value("prompt_n", result.timings.prompt_eval_tokens);
    }
    const auto choices = chunk.find("choices");
    if (choices == chunk.end() || !choices->is_array() || choices->empty()) {
      return;
    }
    const json& choice = choices->front();
    if (const auto delta = choice.find("delta"); delta != choice.end() && delta->is_object()) {
      if (const auto content = delta->find("content"); content != delta->end() && content->is_string()) {
        ++chunks;
        emit(text.push(content->get<std::string>()));
        if (text.stopped()) {
          finish = "stop";
          done = true;  // our own stop sequence matched (the server may not support it)
        }
      }
      if (const auto tool_calls = delta->find("tool_calls"); tool_calls != delta->end() && tool_calls->is_array()) {
        ++chunks;
        merge_tool_call_deltas(*tool_calls, calls);
      }
    }
    if (const auto reason = choice.find("finish_reason"); reason != choice.end() && reason->is_string()) {
      finish = reason->get<std::string>();
    }
  };

  const std::string url = options_.base_url + "/chat/completions";
  const RemoteReply reply = post_stream(
      server, options_, url,
      request_body(options_, messages, options).dump(-1, ' ', false, json::error_handler_t::replace),
      [&](std::string_view bytes) {
        parser.feed(bytes, on_event);
        return !(done && (!stream_error.empty() || text.stopped()));
      },
      [&] { return !result.content.empty(); }, stop);

  answer.finish_timings(chunks);
  if (reply.cancelled && !text.stopped() && stream_error.empty()) {
    result.finish_reason = FinishReason::cancelled;
    return result;
  }
  if (!reply.broken_error.empty() || !stream_error.empty()) {
    result.finish_reason = FinishReason::error;
    result.error = !stream_error.empty() ? stream_error : reply.broken_error;
    if (result.content.empty() && reply.broken_error.empty()) {
      throw Error("OpenAI-compatible server at " + options_.base_url + ": " + stream_error, "check the server's log");
    }
    return result;
  }
  emit(text.finish());
  if (!done && finish.empty()) {
    result.finish_reason = FinishReason::error;
    result.error = "OpenAI-compatible server at " + options_.base_url +
                   " ended the stream before the answer was complete (check that the server is still running)";
    return result;
  }
  if (!calls.empty()) {
    result.tool_calls = calls;
    ChatDelta delta;
    delta.tool_calls = std::move(calls);
    on_delta(delta);
    result.finish_reason = FinishReason::tool_calls;
    return result;
  }
  result.finish_reason = finish == "length" ? FinishReason::length : FinishReason::stop;
  return result;
}

}  // namespace

OpenAiEngine::OpenAiEngine(RemoteOptions options) : options_(std::move(options)) {
  options_.base_url = net::openai_base_url(options_.base_url);
  if (options_.model.empty()) {
    options_.model = "default";  // llama-server serves one model whatever the name; OpenAI needs ?model=
  }
}

LlmSessionPtr OpenAiEngine::create_session() { return std::make_unique<OpenAiSession>(options_); }

LlmCapabilities OpenAiEngine::capabilities() const {
  LlmCapabilities caps;
  caps.seed = true;
  caps.tool_calls = true;
  return caps;
}

}  // namespace lv::llm
