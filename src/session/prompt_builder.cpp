#include "session/prompt_builder.h"

#include <algorithm>
#include <utility>

namespace lv::session {

namespace {
constexpr std::size_t kSnippetChars = 200;
}  // namespace

std::vector<Passage> number_passages(std::vector<Passage> passages) {
  for (std::size_t i = 0; i < passages.size(); ++i) {
    if (passages[i].id.empty()) {
      passages[i].id = "S" + std::to_string(i + 1);
    }
  }
  return passages;
}

std::vector<llm::ChatMessage> build_messages(const std::string& system_prompt, const std::vector<Passage>& passages,
                                             const std::vector<llm::ChatMessage>& history, int max_history_messages,
                                             const std::string& user_text) {
  std::string system = system_prompt;
  if (!passages.empty()) {
    system +=
        "\n\nPassages from the user's documents follow. Use them when they answer the question, cite each one you "
        "use by its id in square brackets, like [S1], and do not invent sources.\n";
    for (const auto& passage : passages) {
      system += "\n[" + passage.id + "] " + passage.source;
      if (!passage.heading.empty()) {
        system += " > " + passage.heading;
      }
      system += "\n" + passage.text + "\n";
    }
  }
  std::vector<llm::ChatMessage> messages;
  messages.emplace_back(llm::ChatRole::system, std::move(system));
  const std::size_t keep = static_cast<std::size_t>(std::max(0, max_history_messages));
  std::size_t first = history.size() > keep ? history.size() - keep : 0;
  // A trimmed history must not start with an assistant message answering a question that was cut off.
  while (first < history.size() && history[first].role != llm::ChatRole::user) {
    ++first;
  }
  messages.insert(messages.end(), history.begin() + static_cast<std::ptrdiff_t>(first), history.end());
  messages.emplace_back(llm::ChatRole::user, user_text);
  return messages;
}

std::vector<Citation> citations_for(const std::vector<Passage>& passages) {
  std::vector<Citation> citations;
  citations.reserve(passages.size());
  for (const auto& passage : passages) {
    Citation citation;
    citation.source = passage.source;
    citation.heading = passage.heading;
    citation.snippet = passage.text.substr(0, kSnippetChars);
    if (passage.text.size() > kSnippetChars) {
      // Cut at a word boundary so the snippet does not end mid-word (or mid-character).
      const auto space = citation.snippet.find_last_of(' ');
      if (space != std::string::npos && space > kSnippetChars / 2) {
        citation.snippet.resize(space);
      }
      citation.snippet += "...";
    }
    citation.score = passage.score;
    citations.push_back(std::move(citation));
  }
  return citations;
}

}  // namespace lv::session
