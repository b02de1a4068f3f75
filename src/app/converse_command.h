// `localvoice converse --input IN.wav --output OUT.wav [--json]`: one or more voice turns from a recording,
// through the same session code the server runs.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>
#include <string>

#include "app/conversation_runner.h"
#include "app/loaded_engines.h"
#include "config/config.h"

namespace lv::app {

struct ConverseCommandContext {
  // Loads the effective configuration (and sets up logging) when the command runs.
  std::function<config::Config()> load_config;
  // Loads the configured engines (a missing LLM or TTS degrades the session instead of failing).
  std::function<EngineSet(const config::Config& config)> load_engines;
};

struct ConverseFlags {
  std::string input;   // WAV recording of the user's side
  std::string output;  // WAV of the agent's side as a client would have played it ("" = none)
  bool json = false;   // transcript, events and metrics as JSON on stdout
  std::string system_prompt;
  int max_wait_s = 60;
};

// Registers `converse`; returns it so the caller can add the engine and path flags.
CLI::App& add_converse_command(CLI::App& root, ConverseCommandContext context);

// Runs the conversation with loaded engines and prints the result; returns the exit code (0; 1 when the
// agent never finished).
int run_converse(const EngineSet& engines, const config::Config& config, const ConverseFlags& flags, std::ostream& out);

}  // namespace lv::app
