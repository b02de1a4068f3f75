// `localvoice transcribe FILE.wav`: speech to text with the configured (or given) STT engine.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>
#include <string>

#include "config/config.h"
#include "stt/stt_engine.h"

namespace lv::app {

struct TranscribeCommandContext {
  // Loads the effective configuration (and sets up logging) when the command runs.
  std::function<config::Config()> load_config;
  // Creates an STT engine from an engine URL (the program's engine registry).
  std::function<stt::SttEnginePtr(const std::string& engine_url)> create_engine;
};

struct TranscribeFlags {
  std::string file;
  std::string stt_url;   // --stt; empty: engines.stt from the configuration
  std::string language;  // --language
  bool json = false;     // --json: text, language, segments and timings as one JSON object
};

// Registers `transcribe`.
void add_transcribe_command(CLI::App& root, TranscribeCommandContext context);

// Reads flags.file, transcribes it and prints the text (or JSON) to `out`. Throws lv::Error for an unreadable
// file or a failing engine. Returns the exit code.
int run_transcribe(const stt::SttEngine& engine, const TranscribeFlags& flags, std::ostream& out);

}  // namespace lv::app
