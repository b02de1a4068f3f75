// `localvoice wake --input FILE.wav`: the wake words a wake-word engine detects in a recording.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>
#include <string>

#include "config/config.h"
#include "wake/wake_engine.h"

namespace lv::app {

inline constexpr const char* kDefaultWakeEngine = "openwakeword:hey_jarvis";

struct WakeCommandContext {
  std::function<config::Config()> load_config;
  // Creates a wake engine from an engine URL (the program's engine registry).
  std::function<wake::WakeEnginePtr(const std::string& engine_url)> create_engine;
};

struct WakeFlags {
  std::string file;                         // --input
  std::string engine = kDefaultWakeEngine;  // --engine
  bool json = false;                        // --json: detections and the highest scores as one JSON object
};

// Registers `wake`.
void add_wake_command(CLI::App& root, WakeCommandContext context);

// Prints one "TIME_S NAME SCORE" line per detection, or JSON. Returns the exit code.
int run_wake(const wake::WakeEngine& engine, const WakeFlags& flags, std::ostream& out);

}  // namespace lv::app
