// `localvoice vad FILE.wav`: the speech segments the configured (or given) VAD finds in a recording.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>
#include <string>

#include "config/config.h"
#include "vad/vad_engine.h"

namespace lv::app {

struct VadCommandContext {
  std::function<config::Config()> load_config;
  // Creates a VAD engine from an engine URL (the program's engine registry).
  std::function<vad::VadEnginePtr(const std::string& engine_url)> create_engine;
};

struct VadFlags {
  std::string file;
  std::string vad_url;  // --vad; empty: engines.vad from the configuration
  bool json = false;    // --json: segments and per-frame cost as one JSON object
};

// Registers `vad`.
void add_vad_command(CLI::App& root, VadCommandContext context);

// Prints one "START END" line per speech segment (seconds, 3 decimals), or JSON. Returns the exit code.
int run_vad(const vad::VadEngine& engine, const VadFlags& flags, std::ostream& out);

}  // namespace lv::app
