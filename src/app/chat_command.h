// `localvoice chat`: text chat with the configured language model in the terminal, streaming the answer.
#pragma once

#include <CLI/CLI.hpp>

#include <atomic>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>

#include "config/config.h"
#include "llm/llm_engine.h"

namespace lv::app {

struct ChatCommandContext {
  // Loads the effective configuration (and sets up logging) when the command runs.
  std::function<config::Config()> load_config;
  // Creates an llm engine from an engine URL (the program's engine registry).
  std::function<llm::LlmEnginePtr(const std::string& engine_url)> create_engine;
};

struct ChatFlags {
  std::string llm_url;  // --llm; empty: engines.llm from the configuration
  std::string system_prompt;
  std::optional<std::string> prompt;  // -p: answer once and exit
  bool json = false;                  // print timings (and, with -p, the answer) as JSON
  int max_tokens = 0;
  std::optional<float> temperature;
  std::optional<std::uint32_t> seed;
};

// Registers `chat`. Ctrl-C cancels the answer being written (not the program); at the prompt, Ctrl-C or
// Ctrl-D ends the chat.
void add_chat_command(CLI::App& root, ChatCommandContext context);

// The chat loop itself, on given streams: reads user lines from `in` (or answers flags.prompt once),
// streams answers to `out`. `interrupted` is set asynchronously (by a signal handler) to cancel the
// current answer; the loop clears it. Returns the exit code (0; 130 when a -p answer was cancelled).
int run_chat(llm::LlmEngine& engine, const ChatFlags& flags, std::istream& in, std::ostream& out, std::ostream& err,
             std::atomic<bool>& interrupted);

}  // namespace lv::app
