// A recorded conversation as a readable Markdown transcript (`history export --format md`).
#pragma once

#include <string>

#include "history/history_reader.h"

namespace lv::history {

// Title, date, engines, then each turn: **You:** and **LocalVoice:** paragraphs (the answer as it was
// heard, marked when interrupted) and a line of timings. What the user said is escaped so it reads as
// typed; the answer is kept as written, since language models answer in Markdown.
std::string export_markdown(const StoredSession& session);

}  // namespace lv::history
