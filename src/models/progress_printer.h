// Prints pull progress: a bar with rate and ETA on a terminal, one JSON object per line otherwise.
#pragma once

#include <iosfwd>
#include <map>
#include <string>

#include "models/model_store.h"

namespace lv::models {

// The returned callback writes to `out`, which must outlive it. On a terminal it redraws one line per file.
PullProgressFn progress_printer(std::ostream& out, bool terminal);

// One progress update as a JSON line (also what the server can forward to the browser).
std::string progress_json(const PullProgress& progress);

// The variables the store reads (HF_*, NPM_CONFIG_REGISTRY, XDG_CACHE_HOME, HOME) from this process.
std::map<std::string, std::string> store_environment();

}  // namespace lv::models
