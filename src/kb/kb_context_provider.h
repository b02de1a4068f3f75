// The voice session's context hook backed by the knowledge base: cited passages and spoken fallbacks.
#pragma once

#include <cstddef>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "kb/answer_confidence.h"
#include "kb/knowledge_base.h"
#include "session/context_provider.h"

namespace lv::kb {

class KbContextProvider : public session::ContextProvider {
 public:
  // Retrieves up to `k` passages scoring at least `min_score` (kb.top_k, kb.min_score).
  KbContextProvider(KnowledgeBasePtr knowledge_base, std::size_t k, double min_score);

  // Passages "S1".."Sk", best first; empty for an empty query or when nothing is relevant enough.
  std::vector<session::Passage> retrieve(std::string_view query, std::stop_token stop) override;
  // One to three sentences of the passage (about 40 words), Markdown removed, ending "(from <source>)"
  // where <source> is the file name without folder or extension, as it reads aloud ("wifi setup"). Empty
  // unless answers_alone() accepts the passage's evidence for `query`.
  std::string speakable_answer(std::string_view query, const session::Passage& passage) override;
  // How well `passage` (one of this provider's) answers `query`: its score and the IDF-weighted share of the
  // question's answer_terms() that its document title, heading and text hold.
  AnswerEvidence evidence(std::string_view query, const session::Passage& passage) const;

 private:
  KnowledgeBasePtr knowledge_base_;
  std::size_t k_;
  double min_score_;
};

}  // namespace lv::kb
