// `localvoice tools list [--json]`: the built-in tools with their parameters and the policy each gets.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>

#include "config/config.h"

namespace lv::app {

struct ToolsCommandContext {
  // Called when a subcommand runs: the configuration (tools.*, paths.data_dir).
  std::function<config::Config()> config;
  std::ostream* out = nullptr;  // results (stdout)
};

// Adds `tools list`. A bad time zone or policy list throws lv::Error (exit code 1).
CLI::App& add_tools_command(CLI::App& root, ToolsCommandContext context);

}  // namespace lv::app
