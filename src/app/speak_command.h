// `localvoice speak "TEXT" -o OUT.wav`: synthesizes text with the configured (or given) TTS engine.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>
#include <string>

#include "config/config.h"
#include "tts/tts_engine.h"

namespace lv::app {

struct SpeakCommandContext {
  // Loads the effective configuration (and sets up logging) when the command runs.
  std::function<config::Config()> load_config;
  // Creates a tts engine from an engine URL (the program's engine registry).
  std::function<tts::TtsEnginePtr(const std::string& engine_url)> create_engine;
};

struct SpeakFlags {
  std::string text;     // "-" reads standard input
  std::string output;   // WAV file to write; "-" writes the WAV to standard output
  std::string tts_url;  // --tts; empty: engines.tts from the configuration
  std::string voice;    // --voice; empty: the engine's default
  double speed = 1.0;   // --speed, 0.25 to 4
  bool raw = false;     // --raw: no Markdown removal or number spelling
  bool json = false;    // --json: print the summary as JSON
};

// Registers `speak`.
void add_speak_command(CLI::App& root, SpeakCommandContext context);

// Synthesizes flags.text (already read) with `engine`, writes flags.output, and prints a one-line summary
// (audio length, rate, time to first audio, real-time factor) to `out` (`err` when the WAV goes to stdout).
// Throws lv::Error for empty text, an unknown voice, a bad speed or an unwritable output.
void run_speak(tts::TtsEngine& engine, const SpeakFlags& flags, std::ostream& out, std::ostream& wav_stdout);

}  // namespace lv::app
