// The session's context hook: what it asks the knowledge base (or any other source) for each user turn.
#pragma once

#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace lv::session {

// One retrieved passage, with where it came from so the reply can cite it.
struct Passage {
  std::string id;       // stable id the model cites, e.g. "S1"
  std::string source;   // file path relative to the knowledge folder
  std::string heading;  // heading trail
  std::string text;     // the chunk's text, given to the model as context
  double score = 0;
};

class ContextProvider {
 public:
  virtual ~ContextProvider() = default;
  // The passages relevant to `query`, best first (empty when nothing is relevant). Thread-safe; called on
  // engine threads. Throws lv::Error when the source fails (the turn goes on without context).
  virtual std::vector<Passage> retrieve(std::string_view query, std::stop_token stop) = 0;
  // A short spoken answer to `query` made from `passage` alone, for when no language model is available;
  // empty when the passage does not answer the question surely enough to be read out as the answer.
  virtual std::string speakable_answer(std::string_view query, const Passage& passage) = 0;
};

using ContextProviderPtr = std::shared_ptr<ContextProvider>;

}  // namespace lv::session
