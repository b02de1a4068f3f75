// Command-line flags that feed the configuration, shared by the subcommands that need settings.
#pragma once

#include <CLI/CLI.hpp>

#include <map>
#include <optional>
#include <string>

#include "config/config.h"

namespace lv::app {

// Collects --config and setting flags while CLI11 parses, then loads the effective configuration
// (flags > LOCALVOICE_* environment > config file > defaults).
class CliConfig {
 public:
  // --config FILE, --log-level, --log-format: on the root command, usable after any subcommand too.
  void add_global_flags(CLI::App& root);
  // --host, --port, --web-root.
  void add_server_flags(CLI::App& command);
  // --vad, --stt, --tts, --llm, --embeddings.
  void add_engine_flags(CLI::App& command);
  // --data-dir, --models-dir, --kb-dir (alias --kb).
  void add_path_flags(CLI::App& command);
  // --wyoming URI, repeatable (wyoming.uri, comma-separated).
  void add_wyoming_flags(CLI::App& command);
  // A flag that sets one configuration key (for subcommands with their own, e.g. `transcribe --stt`).
  void add_setting_flag(CLI::App& command, const std::string& flag, const std::string& key,
                        const std::string& description);

  // Loads and validates, then lets each engine left at its default follow the installed recommended models
  // (with_installed_profile_engines); throws config::ConfigError.
  config::Config load() const;
  // Loads and validates exactly what the user set (defaults for the rest); throws config::ConfigError.
  config::Config load_as_written() const;
  // Loads, and configures logging from the result.
  config::Config load_and_init_logging() const;

 private:
  std::optional<std::string> config_file_;
  std::map<std::string, std::string> flag_values_;
};

}  // namespace lv::app
