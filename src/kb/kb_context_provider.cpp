#include "kb/kb_context_provider.h"

#include <utility>

#include "kb/document_paths.h"
#include "kb/passage_text.h"
#include "kb/tokenizer.h"
#include "util/error.h"
#include "util/markdown_filter.h"

namespace lv::kb {

KbContextProvider::KbContextProvider(KnowledgeBasePtr knowledge_base, std::size_t k, double min_score)
    : knowledge_base_(std::move(knowledge_base)), k_(k), min_score_(min_score) {
  if (!knowledge_base_) throw Error("the context provider has no knowledge base", "open one first");
}

std::vector<session::Passage> KbContextProvider::retrieve(std::string_view query, std::stop_token stop) {
  std::vector<session::Passage> passages;
  if (stop.stop_requested()) return passages;
  const auto results = knowledge_base_->search(query, k_, min_score_);
  if (stop.stop_requested()) return passages;
  passages.reserve(results.size());
  for (const auto& result : results) {
    session::Passage passage;
    passage.id = "S" + std::to_string(passages.size() + 1);
    passage.source = result.source;
    passage.heading = result.heading;
    passage.text = result.text;
    passage.score = result.score;
    passages.push_back(std::move(passage));
  }
  return passages;
}

AnswerEvidence KbContextProvider::evidence(std::string_view query, const session::Passage& passage) const {
  const auto terms = answer_terms(query);
  const auto passage_terms = tokenize(lexical_text(passage.source, passage.heading, passage.text));
  return {passage.score, term_coverage(terms, knowledge_base_->term_weights(terms), passage_terms)};
}

std::string KbContextProvider::speakable_answer(std::string_view query, const session::Passage& passage) {
  if (!answers_alone(evidence(query, passage))) return {};
  // Code blocks are left out silently: an answer read aloud never says "Code omitted".
  std::string answer = leading_sentences(util::strip_markdown(passage.text, {.announce_code_blocks = false}), 40);
  if (answer.empty()) return answer;
  const std::string source = document_title(passage.source);
  if (!source.empty()) answer += " (from " + source + ")";
  return answer;
}

}  // namespace lv::kb
