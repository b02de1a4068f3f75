// `localvoice doctor`: what works on this machine, what is missing, and the command that fixes each gap.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "app/cli_config.h"
#include "app/engine_setup.h"

namespace lv::app {

enum class CheckLevel { ok, warn, fail };

struct CheckResult {
  std::string area;  // "engines", "paths", "server", "web"
  std::string name;  // "stt", "data_dir", ...
  CheckLevel level = CheckLevel::ok;
  std::string detail;  // what was found
  std::string fix;     // the exact command or setting that fixes it (empty when ok)
};

// Runs every check against a loaded configuration (no engine is loaded, nothing is written).
std::vector<CheckResult> run_checks(const config::Config& config, const EngineSetup& engines);

// One line per engine kind with the example URL of each scheme this build registered ("  stt: ...").
std::string engine_list(const config::Config& config, const EngineSetup& engines);

void add_doctor_command(CLI::App& root, CliConfig& cli_config);

}  // namespace lv::app
