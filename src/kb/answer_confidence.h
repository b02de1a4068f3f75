// Whether a passage may be read out as the answer itself, when no language model is there to judge it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lv::kb {

// The question's search terms that a passage answering it should hold: tokenize()d, less the word that
// only asks for a measure after "how" ("how long", "how many", "how often"): an answer says "ten minutes",
// not "long", so requiring the word would turn right passages down and matching it finds "long run" for
// "how long do I boil an egg".
std::vector<std::string> answer_terms(std::string_view question);

// The share of the terms' weight that `passage_terms` holds: each distinct term counts once with its weight
// (`weights[i]` belongs to `terms[i]`; missing weights count as 1). 0..1, and 0 when there are no terms.
double term_coverage(const std::vector<std::string>& terms, const std::vector<double>& weights,
                     const std::vector<std::string>& passage_terms);

struct AnswerEvidence {
  double score = 0;     // the passage's relevance, as the search gave it (0..1)
  double coverage = 0;  // term_coverage of the question's answer_terms, weighted by IDF
};

// Reading a passage aloud as the answer claims it answers the question, so the bar is higher than the one
// for passages handed to a language model (kb.min_score, 0.15 by default), which can still say they do not
// help. Coverage does most of the work: at 0.7 a passage must hold every word of a question of two or three
// equally rare words, and may miss only words common in the collection. The score bar keeps out passages
// that hold the words but only in passing (once, in a long chunk). Over the tests/kb corpus
// (bench/kb/answer_quality_bench.cpp) 0.6 lets wrong answers through and 0.8 turns right ones down.
struct AnswerBar {
  double min_score = 0.25;
  double min_coverage = 0.7;
};

bool answers_alone(const AnswerEvidence& evidence, const AnswerBar& bar = {});

}  // namespace lv::kb
