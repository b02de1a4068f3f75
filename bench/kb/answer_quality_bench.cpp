// Answers without a language model: how often the passage read out is right, and how often a question the
// documents cannot answer is declined, under the old rule (any passage over kb.min_score) and the new one.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "kb/answer_confidence.h"
#include "kb/kb_context_provider.h"
#include "kb/knowledge_base.h"
#include "util/log.h"

namespace {

namespace fs = std::filesystem;

// kb.top_k and kb.min_score as shipped.
constexpr std::size_t kTopK = 3;
constexpr double kMinScore = 0.15;

struct Question {
  std::string text;
  std::string expected;  // the source that answers it; empty when nothing in the corpus does
};

// "question<TAB>source" lines (questions.tsv) or bare questions (unanswerable_questions.txt); '#' comments.
std::vector<Question> read_questions(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::vector<Question> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find('\t');
    out.push_back(tab == std::string::npos ? Question{line, {}} : Question{line.substr(0, tab), line.substr(tab + 1)});
  }
  return out;
}

// What a voice turn without a language model saw for one question.
struct Outcome {
  const Question* question = nullptr;
  std::string source;  // of the best passage; empty when retrieval found none over kb.min_score
  lv::kb::AnswerEvidence evidence;
};

struct Tally {
  int answerable = 0;
  int unanswerable = 0;
  int answered = 0;
  int answered_right = 0;
  int declined_unanswerable = 0;
};

// answers(outcome): whether the rule reads the best passage out.
template <typename Rule>
Tally tally(const std::vector<Outcome>& outcomes, Rule answers) {
  Tally t;
  for (const auto& outcome : outcomes) {
    const bool answerable = !outcome.question->expected.empty();
    ++(answerable ? t.answerable : t.unanswerable);
    const bool answered = !outcome.source.empty() && answers(outcome);
    if (!answered) {
      if (!answerable) ++t.declined_unanswerable;
      continue;
    }
    ++t.answered;
    if (answerable && outcome.source == outcome.question->expected) ++t.answered_right;
  }
  return t;
}

double share(int part, int whole) { return whole > 0 ? static_cast<double>(part) / whole : 0.0; }

// "right/whole = share %", padded to the header's width.
std::string cell(int part, int whole) {
  char text[64];
  std::snprintf(text, sizeof text, "%d/%d = %.1f %%", part, whole, 100 * share(part, whole));
  return text;
}

void print_row(const char* name, const Tally& t) {
  std::printf("| %-42s | %-26s | %-25s | %-21s |\n", name, cell(t.answered_right, t.answered).c_str(),
              cell(t.answered_right, t.answerable).c_str(), cell(t.declined_unanswerable, t.unanswerable).c_str());
}

void print_details(const std::vector<Outcome>& outcomes) {
  for (const auto& outcome : outcomes) {
    const bool after = !outcome.source.empty() && lv::kb::answers_alone(outcome.evidence);
    const std::string& expected = outcome.question->expected;
    const std::string verdict = expected.empty()             ? " [unanswerable]"
                                : outcome.source == expected ? ""
                                                             : " [expected " + expected + "]";
    std::printf("%-62s score %.2f coverage %.2f %-8s %s%s\n", outcome.question->text.c_str(), outcome.evidence.score,
                outcome.evidence.coverage, after ? "answers" : "declines",
                outcome.source.empty() ? "(no passage)" : outcome.source.c_str(), verdict.c_str());
  }
}

// Other bars, to see how far the chosen one is from a cliff.
void print_sweep(const std::vector<Outcome>& outcomes) {
  std::printf("\nmin_score min_coverage  precision  recall  declined\n");
  for (const double min_score : {0.15, 0.2, 0.25, 0.3, 0.35, 0.4}) {
    for (const double min_coverage : {0.0, 0.5, 0.6, 0.7, 0.8, 0.9}) {
      const lv::kb::AnswerBar bar{min_score, min_coverage};
      const Tally t = tally(outcomes, [&bar](const Outcome& o) { return lv::kb::answers_alone(o.evidence, bar); });
      std::printf("%9.2f %12.2f  %9.3f %7.3f %9.3f\n", min_score, min_coverage, share(t.answered_right, t.answered),
                  share(t.answered_right, t.answerable), share(t.declined_unanswerable, t.unanswerable));
    }
  }
}

// What the decision adds to a turn: tokenizing the passage and looking up the question's term weights.
void print_decision_cost(const lv::kb::KbContextProvider& provider, const std::vector<Question>& questions) {
  lv::session::Passage passage;
  passage.source = "health/running-plan.md";
  passage.text = std::string(300, 'x');
  for (int i = 0; i < 300; ++i) passage.text += " word" + std::to_string(i % 97);
  constexpr int kRounds = 200;
  double sink = 0;
  const auto started = std::chrono::steady_clock::now();
  for (int round = 0; round < kRounds; ++round) {
    for (const auto& question : questions) sink += provider.evidence(question.text, passage).coverage;
  }
  const double took_us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started).count();
  std::printf("\ndecision for a 300-word passage: %.1f us per question (checksum %.0f)\n",
              took_us / (kRounds * static_cast<double>(questions.size())), sink);
}

std::vector<Outcome> ask_all(lv::kb::KbContextProvider& provider, const std::vector<Question>& questions) {
  std::vector<Outcome> outcomes;
  for (const auto& question : questions) {
    Outcome outcome;
    outcome.question = &question;
    const auto passages = provider.retrieve(question.text, {});
    if (!passages.empty()) {
      outcome.source = passages.front().source;
      outcome.evidence = provider.evidence(question.text, passages.front());
    }
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const auto has = [&args](const std::string& flag) { return std::find(args.begin(), args.end(), flag) != args.end(); };
  const fs::path fixtures = fs::path(LV_SOURCE_DIR) / "tests" / "kb";
  const fs::path dir = fs::temp_directory_path() / ("lv-kb-answer-bench-" + std::to_string(std::random_device{}()));
  lv::log::init(lv::log::Level::warn);
  int status = 0;
  try {
    fs::create_directories(dir / "knowledge");
    fs::copy(fixtures / "corpus", dir / "knowledge", fs::copy_options::recursive);
    lv::kb::KnowledgeBaseOptions options;
    options.kb_dir = dir / "knowledge";
    options.db_path = dir / "knowledge.sqlite3";
    const auto kb = lv::kb::KnowledgeBase::open(options);
    kb->sync();
    std::vector<Question> questions = read_questions(fixtures / "questions.tsv");
    for (auto& question : read_questions(fixtures / "unanswerable_questions.txt")) questions.push_back(question);
    lv::kb::KbContextProvider provider(kb, kTopK, kMinScore);
    const auto outcomes = ask_all(provider, questions);
    const Tally before = tally(outcomes, [](const Outcome&) { return true; });
    const Tally after = tally(outcomes, [](const Outcome& o) { return lv::kb::answers_alone(o.evidence); });
    std::printf(
        "%zu documents, %zu chunks, BM25 only, kb.top_k %zu, kb.min_score %.2f; %d answerable and %d "
        "unanswerable questions\n\n",
        kb->documents().size(), kb->chunk_count(), kTopK, kMinScore, before.answerable, before.unanswerable);
    std::printf("| %-42s | %-26s | %-25s | %-21s |\n| %s | %s | %s | %s |\n", "rule", "precision (right/answered)",
                "recall (right/answerable)", "declined unanswerable", std::string(42, '-').c_str(),
                std::string(26, '-').c_str(), std::string(25, '-').c_str(), std::string(21, '-').c_str());
    print_row("before: best passage over kb.min_score", before);
    print_row("after: answers_alone (score and coverage)", after);
    if (has("--details")) print_details(outcomes);
    if (has("--sweep")) print_sweep(outcomes);
    print_decision_cost(provider, questions);
  } catch (const std::exception& e) {
    std::cerr << "kb_answer_quality_bench: " << e.what() << "\n";
    status = 1;
  }
  std::error_code error;
  fs::remove_all(dir, error);
  return status;
}
