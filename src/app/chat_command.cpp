#include "app/chat_command.h"

#include <signal.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>
#include <memory>
#include <stop_token>
#include <thread>
#include <vector>

#include "util/error.h"

namespace lv::app {
namespace {

// The one flag a SIGINT handler may touch; it is only ever set there and cleared by the chat loop.
std::atomic<bool> g_interrupted{false};

void on_sigint(int /*signal*/) { g_interrupted.store(true); }

// Installs the Ctrl-C handler for the command's lifetime, restoring the previous one afterwards.
class SigintGuard {
 public:
  SigintGuard() {
    struct sigaction action {};
    action.sa_handler = on_sigint;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: a read at the prompt returns, so Ctrl-C there ends the chat
    sigaction(SIGINT, &action, &previous_);
  }
  ~SigintGuard() { sigaction(SIGINT, &previous_, nullptr); }
  SigintGuard(const SigintGuard&) = delete;
  SigintGuard& operator=(const SigintGuard&) = delete;

 private:
  struct sigaction previous_ {};
};

nlohmann::json timings_json(const llm::ChatResult& result) {
  const auto& t = result.timings;
  return {{"finish_reason", llm::finish_reason_name(result.finish_reason)},
          {"time_to_first_token_ms", t.time_to_first_token_ms},
          {"total_ms", t.total_ms},
          {"tokens_per_s", t.tokens_per_s},
          {"prompt_tokens", t.prompt_tokens},
          {"prompt_eval_tokens", t.prompt_eval_tokens},
          {"completion_tokens", t.completion_tokens}};
}

// Streams one answer, cancelling it when `interrupted` is raised.
llm::ChatResult answer(llm::LlmSession& session, const std::vector<llm::ChatMessage>& messages,
                       const llm::ChatOptions& options, std::ostream& out, bool stream_text,
                       std::atomic<bool>& interrupted) {
  std::stop_source stop;
  // A Ctrl-C already pressed cancels this answer even if it would end before the watcher's first look.
  if (interrupted.exchange(false)) {
    stop.request_stop();
  }
  std::jthread watcher([&](const std::stop_token& done) {
    while (!done.stop_requested()) {
      if (interrupted.exchange(false)) {
        stop.request_stop();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  auto result = session.chat(
      messages, options,
      [&](const llm::ChatDelta& delta) {
        if (stream_text) {
          out << delta.content << std::flush;
        }
      },
      stop.get_token());
  watcher.request_stop();
  return result;
}

}  // namespace

int run_chat(llm::LlmEngine& engine, const ChatFlags& flags, std::istream& in, std::ostream& out, std::ostream& err,
             std::atomic<bool>& interrupted) {
  llm::ChatOptions options;
  options.max_tokens = flags.max_tokens;
  options.temperature = flags.temperature;
  options.seed = flags.seed;
  std::vector<llm::ChatMessage> messages;
  if (!flags.system_prompt.empty()) {
    messages.emplace_back(llm::ChatRole::system, flags.system_prompt);
  }
  auto session = engine.create_session();

  if (flags.prompt) {
    messages.emplace_back(llm::ChatRole::user, *flags.prompt);
    const auto result = answer(*session, messages, options, out, !flags.json, interrupted);
    if (flags.json) {
      nlohmann::json report = timings_json(result);
      report["content"] = result.content;
      report["model"] = engine.model_name();
      if (!result.error.empty()) {
        report["error"] = result.error;
      }
      out << report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
      out << "\n";
    }
    if (result.finish_reason == llm::FinishReason::error) {
      err << "localvoice: error: " << result.error << "\n";
      return 1;
    }
    return result.finish_reason == llm::FinishReason::cancelled ? 130 : 0;
  }

  const bool interactive = &in == &std::cin && ::isatty(STDIN_FILENO) != 0;
  if (interactive) {
    err << "Chatting with " << engine.model_name() << ". Ctrl-C stops an answer; Ctrl-D or Ctrl-C here quits.\n";
  }
  std::string line;
  while (true) {
    if (interactive) {
      out << "> " << std::flush;
    }
    if (!std::getline(in, line) || interrupted.exchange(false)) {
      if (interactive) {
        out << "\n";
      }
      return 0;
    }
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      continue;
    }
    messages.emplace_back(llm::ChatRole::user, line);
    const auto result = answer(*session, messages, options, out, true, interrupted);
    out << "\n";
    if (result.finish_reason == llm::FinishReason::cancelled) {
      err << "[answer stopped]\n";
    } else if (result.finish_reason == llm::FinishReason::error) {
      err << "localvoice: error: " << result.error << "\n";
    }
    // The partial answer stays in the history so the next turn continues the same conversation.
    messages.emplace_back(llm::ChatRole::assistant, result.content);
    if (flags.json) {
      err << timings_json(result).dump() << "\n";
    }
  }
}

void add_chat_command(CLI::App& root, ChatCommandContext context) {
  auto* command = root.add_subcommand("chat", "Chat with the language model in the terminal");
  auto flags = std::make_shared<ChatFlags>();
  command->add_option("--llm", flags->llm_url, "LLM engine URL (default: engines.llm from the configuration)");
  command->add_option("--system", flags->system_prompt, "System prompt");
  command->add_option("-p,--prompt", flags->prompt, "Answer this prompt once and exit");
  command->add_flag("--json", flags->json, "Print timings as JSON (with -p: the whole answer as one JSON object)");
  command->add_option("--max-tokens", flags->max_tokens, "Longest answer in tokens (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--temperature", flags->temperature, "Sampling temperature (0: greedy)")
      ->check(CLI::Range(0.0, 2.0));
  command->add_option("--seed", flags->seed, "Sampling seed, for reproducible answers");
  command->callback([context = std::move(context), flags] {
    const config::Config config = context.load_config();
    const std::string url = flags->llm_url.empty() ? config.engines.llm : flags->llm_url;
    if (url.empty()) {
      throw Error("no language model is configured",
                  "pass --llm URL (e.g. --llm llama:/models/model.gguf or --llm "
                  "ollama:http://localhost:11434?model=gemma3:4b) or set engines.llm in the config file");
    }
    const auto engine = context.create_engine(url);
    SigintGuard guard;
    g_interrupted.store(false);
    const int code = run_chat(*engine, *flags, std::cin, std::cout, std::cerr, g_interrupted);
    if (code != 0) {
      throw CLI::RuntimeError(code);
    }
  });
}

}  // namespace lv::app
