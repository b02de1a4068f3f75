// The messages a reply sends to the language model: instructions, cited passages, recent turns, the question.
#pragma once

#include <string>
#include <vector>

#include "llm/llm_types.h"
#include "session/context_provider.h"
#include "session/session_events.h"

namespace lv::session {

// Gives every passage an id ("S1", "S2", ...) where it has none.
std::vector<Passage> number_passages(std::vector<Passage> passages);

// System prompt (with the passages and how to cite them), then at most `max_history_messages` of
// `history` (oldest dropped first), then the user's message.
std::vector<llm::ChatMessage> build_messages(const std::string& system_prompt, const std::vector<Passage>& passages,
                                             const std::vector<llm::ChatMessage>& history, int max_history_messages,
                                             const std::string& user_text);

// The citations shown to the client for the passages given to the model.
std::vector<Citation> citations_for(const std::vector<Passage>& passages);

}  // namespace lv::session
