// `localvoice kb`: add documents to the knowledge base, list them, search it, rebuild its index.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>

#include "config/config.h"
#include "embed/embedding_engine.h"
#include "kb/knowledge_base.h"

namespace lv::app {

struct KbCommandContext {
  // Called when a subcommand runs, after parsing (so --kb, --data-dir and the environment apply).
  std::function<config::Config()> load_config;
  // The embedding engine for engines.embeddings; null (or an unset function) for lexical search only.
  std::function<embed::EmbeddingEnginePtr(const config::Config&)> embeddings;
  std::ostream* out = nullptr;  // results (stdout)
  std::ostream* err = nullptr;  // progress and warnings (stderr)
  bool terminal = false;        // err is a TTY: draw a progress bar; otherwise one line per file
};

// Adds `kb add FILE...`, `kb list [--json]`, `kb search QUERY [--k N] [--min-score X] [--json]` and
// `kb rebuild`. The index is <data_dir>/knowledge.sqlite3, the documents paths.kb_dir. Failures throw lv::Error.
// Returns the `kb` command so that the caller can add the setting flags (--kb, --data-dir, ...).
CLI::App& add_kb_command(CLI::App& root, KbCommandContext context);

}  // namespace lv::app
