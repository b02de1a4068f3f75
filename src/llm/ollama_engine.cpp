#include "llm/ollama_engine.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <utility>

#include "llm/ndjson_splitter.h"
#include "llm/text_stream.h"
#include "util/error.h"

namespace lv::llm {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

// Ollama takes tool call arguments as objects and tool results as role "tool" messages.
json message_json(const ChatMessage& message) {
  json out = {{"role", role_name(message.role)}, {"content", message.content}};
  if (!message.tool_calls.empty()) {
    json calls = json::array();
    for (const auto& call : message.tool_calls) {
      json arguments = json::parse(call.arguments_json.empty() ? "{}" : call.arguments_json, nullptr, false);
      calls.push_back(
          {{"function", {{"name", call.name}, {"arguments", arguments.is_discarded() ? json::object() : arguments}}}});
    }
    out["tool_calls"] = std::move(calls);
  }
  return out;
}

// Ollama has no tool_choice: "none" sends no tools, the rest lets the model decide.
json tools_json(const ChatOptions& options) {
  json tools = json::array();
  if (options.tool_choice.mode == ToolChoiceMode::none) {
    return tools;
  }
  for (const auto& tool : options.tools) {
    if (options.tool_choice.mode == ToolChoiceMode::function && tool.name != options.tool_choice.function_name) {
      continue;
    }
    json parameters = tool.parameters_json.empty() ? json{{"type", "object"}, {"properties", json::object()}}
                                                   : json::parse(tool.parameters_json, nullptr, false);
    tools.push_back(
        {{"type", "function"},
         {"function", {{"name", tool.name}, {"description", tool.description}, {"parameters", parameters}}}});
  }
  return tools;
}

json request_body(const RemoteOptions& remote, const std::vector<ChatMessage>& messages, const ChatOptions& options) {
  json body;
  body["model"] = remote.model;
  body["stream"] = true;
  body["keep_alive"] = remote.keep_alive;
  json list = json::array();
  for (const auto& message : messages) {
    list.push_back(message_json(message));
  }
  body["messages"] = std::move(list);
  if (json tools = tools_json(options); !tools.empty()) {
    body["tools"] = std::move(tools);
  }
  json sampling = json::object();
  if (options.temperature) sampling["temperature"] = *options.temperature;
  if (options.top_p) sampling["top_p"] = *options.top_p;
  if (options.max_tokens > 0) sampling["num_predict"] = options.max_tokens;
  if (options.seed) sampling["seed"] = *options.seed;
  if (!options.stop.empty()) sampling["stop"] = options.stop;
  body["options"] = std::move(sampling);
  return body;
}

class OllamaSession : public LlmSession {
 public:
  explicit OllamaSession(RemoteOptions options) : options_(std::move(options)) {}

  ChatResult chat(const std::vector<ChatMessage>& messages, const ChatOptions& options, const DeltaCallback& on_delta,
                  std::stop_token stop) override;

 private:
  RemoteOptions options_;
};

ChatResult OllamaSession::chat(const std::vector<ChatMessage>& messages, const ChatOptions& options,
                               const DeltaCallback& on_delta, std::stop_token stop) {
  const auto started = Clock::now();
  if (messages.empty()) {
    throw Error("a chat needs at least one message", "send a user message");
  }
  const RemoteServer server{
      "Ollama",
      "start it with `ollama serve`, or fix the URL in the llm engine setting (ollama:" + options_.base_url + ")",
      "run `ollama pull " + options_.model + "` on the server, or fix ?model= in the engine URL"};
  ChatResult result;
  DeltaText text(options.stop);
  NdjsonSplitter splitter;
  int chunks = 0;
  bool done = false;
  std::string done_reason;
  std::string stream_error;
  std::vector<ToolCall> calls;
  StreamedAnswer answer(result, on_delta, started);
  auto emit = [&answer](std::string piece) { answer.emit(std::move(piece)); };
  auto on_line = [&](std::string_view line) {
    if (done || stop.stop_requested()) {
      return;
    }
    const json item = json::parse(line, nullptr, false);
    if (item.is_discarded() || !item.is_object()) {
      stream_error = "Ollama sent a malformed stream line: " + std::string(line.substr(0, 200));
      done = true;
      return;
    }
    if (const auto error = item.find("error"); error != item.end()) {
      stream_error = "Ollama reported an error: " + (error->is_string() ? error->get<std::string>() : error->dump());
      done = true;
      return;
    }
    if (const auto message = item.find("message"); message != item.end() && message->is_object()) {
      if (const auto content = message->find("content"); content != message->end() && content->is_string()) {
        ++chunks;
        emit(text.push(content->get<std::string>()));
        if (text.stopped()) {
          done_reason = "stop";
          done = true;
        }
      }
      if (const auto tool_calls = message->find("tool_calls"); tool_calls != message->end() && tool_calls->is_array()) {
        for (const auto& entry : *tool_calls) {
          const json function = entry.is_object() ? entry.value("function", json::object()) : json::object();
          ToolCall call;
          call.id = "call_" + std::to_string(calls.size());
          call.name = function.value("name", "");
          const json arguments = function.value("arguments", json::object());
          call.arguments_json = arguments.is_string() ? arguments.get<std::string>() : arguments.dump();
          calls.push_back(std::move(call));
        }
      }
    }
    if (item.value("done", false)) {
      done = true;
      done_reason = item.value("done_reason", std::string("stop"));
      result.timings.prompt_tokens = item.value("prompt_eval_count", 0);
      result.timings.prompt_eval_tokens = result.timings.prompt_tokens;
      result.timings.completion_tokens = item.value("eval_count", 0);
    }
  };

  const RemoteReply reply = post_stream(
      server, options_, options_.base_url + "/api/chat",
      request_body(options_, messages, options).dump(-1, ' ', false, json::error_handler_t::replace),
      [&](std::string_view bytes) {
        splitter.feed(bytes, on_line);
        return !(done && (!stream_error.empty() || text.stopped()));
      },
      [&] { return !result.content.empty(); }, stop);
  if (!reply.cancelled && reply.broken_error.empty()) {
    splitter.finish(on_line);
  }

  answer.finish_timings(chunks);
  if (reply.cancelled && !text.stopped() && stream_error.empty()) {
    result.finish_reason = FinishReason::cancelled;
    return result;
  }
  if (!stream_error.empty() || !reply.broken_error.empty()) {
    if (result.content.empty() && reply.broken_error.empty()) {
      throw Error(stream_error + " (server " + options_.base_url + ", model '" + options_.model + "')",
                  server.model_hint);
    }
    result.finish_reason = FinishReason::error;
    result.error = !stream_error.empty() ? stream_error : reply.broken_error;
    return result;
  }
  emit(text.finish());
  if (!done) {
    result.finish_reason = FinishReason::error;
    result.error = "Ollama at " + options_.base_url + " ended the stream before the answer was complete";
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
  result.finish_reason = done_reason == "length" ? FinishReason::length : FinishReason::stop;
  return result;
}

}  // namespace

OllamaEngine::OllamaEngine(RemoteOptions options) : options_(std::move(options)) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/') {
    options_.base_url.pop_back();
  }
  if (options_.base_url.empty()) {
    options_.base_url = "http://localhost:11434";
  }
  if (options_.model.empty()) {
    throw Error("the ollama: engine needs a model",
                "add ?model=NAME, e.g. ollama:http://localhost:11434?model=gemma3:4b");
  }
}

LlmSessionPtr OllamaEngine::create_session() { return std::make_unique<OllamaSession>(options_); }

LlmCapabilities OllamaEngine::capabilities() const {
  LlmCapabilities caps;
  caps.seed = true;
  caps.tool_calls = true;
  return caps;
}

}  // namespace lv::llm
