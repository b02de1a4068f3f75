// `localvoice history`: list, show, export and delete the conversations recorded by `localvoice serve`.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <functional>
#include <iosfwd>

namespace lv::app {

struct HistoryCommandContext {
  // Called when a subcommand runs: the configured paths.data_dir (so --data-dir,
  // LOCALVOICE_PATHS_DATA_DIR and the config file apply). The history is <data_dir>/history.sqlite3.
  std::function<std::filesystem::path()> data_dir;
  std::ostream* out = nullptr;  // results (stdout)
};

// Adds `history list|show|export|rm`. Failures (unknown id, damaged database, unwritable output file) throw
// lv::Error, which the program prints with its fix and turns into exit code 1.
CLI::App& add_history_command(CLI::App& root, HistoryCommandContext context);

}  // namespace lv::app
