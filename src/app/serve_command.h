// `localvoice serve`: runs the HTTP/WebSocket server until SIGINT or SIGTERM.
#pragma once

#include <CLI/CLI.hpp>

#include "app/cli_config.h"

namespace lv::app {

void add_serve_command(CLI::App& root, CliConfig& cli_config);

}  // namespace lv::app
