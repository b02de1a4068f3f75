// `localvoice models`: list, pull, rm, verify and locate the model files the embedded engines need.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <map>
#include <string>

namespace lv::app {

struct ModelsCommandContext {
  // Called after parsing, when a subcommand runs: the configured paths.models_dir (so --models-dir,
  // LOCALVOICE_PATHS_MODELS_DIR and the config file apply).
  std::function<std::filesystem::path()> models_dir;
  // HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE, HF_HOME, ... (lv::models::store_environment() for the real process).
  std::map<std::string, std::string> env;
  std::ostream* out = nullptr;  // results (stdout)
  std::ostream* err = nullptr;  // progress bar and warnings (stderr)
  bool terminal = false;        // stderr is a TTY: draw a progress bar; otherwise JSON progress lines on `out`
};

// Adds the `models` subcommand tree to `root`. Failures throw lv::Error; `verify` finding a damaged file
// throws CLI::RuntimeError(1) after printing its report.
CLI::App& add_models_command(CLI::App& root, ModelsCommandContext context);

}  // namespace lv::app
