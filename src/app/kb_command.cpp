#include "app/kb_command.h"

#include "app/knowledge_setup.h"

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "kb/knowledge_base.h"
#include "util/error.h"

namespace lv::app {
namespace {

constexpr int kBarWidth = 30;

struct KbArgs {
  std::vector<std::string> files;
  std::string query;
  int k = 0;              // 0: kb.top_k
  double min_score = -1;  // below 0: no threshold (a person searching wants to see weak matches too)
  bool json = false;
};

kb::KnowledgeBasePtr open_kb(const KbCommandContext& context, const config::Config& config) {
  return open_knowledge_base(config, context.embeddings ? context.embeddings(config) : nullptr);
}

// A bar on a terminal ("indexing [#####.....] 12/30 notes/a.md"), one line per file otherwise.
kb::ProgressFn progress_printer(std::ostream& err, bool terminal) {
  return [&err, terminal](std::size_t done, std::size_t total, const std::string& path) {
    if (!terminal) {
      err << "indexed " << done << "/" << total << " " << path << "\n" << std::flush;
      return;
    }
    const double fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
    std::string bar(static_cast<std::size_t>(fraction * kBarWidth), '#');
    bar.resize(kBarWidth, '.');
    std::string name = path.size() > 40 ? "…" + path.substr(path.size() - 39) : path;
    err << "\rindexing [" << bar << "] " << done << "/" << total << " " << std::left << std::setw(42) << name;
    if (done == total) err << "\n";
    err << std::flush;
  };
}

std::string score_text(double score) {
  char text[16];
  std::snprintf(text, sizeof(text), "%.3f", score);
  return text;
}

void print_report(std::ostream& out, const kb::SyncReport& report, std::size_t documents) {
  out << documents << " document(s) indexed: " << report.added << " added, " << report.updated << " updated, "
      << report.removed << " removed, " << report.unchanged << " unchanged, " << report.skipped << " skipped";
  if (report.embedded > 0) out << ", " << report.embedded << " chunk(s) embedded";
  out << "\n";
}

void run_add(const KbCommandContext& context, const KbArgs& args) {
  const config::Config config = context.load_config();
  const auto kb = open_kb(context, config);
  int failed = 0;
  for (const auto& file : args.files) {
    try {
      const kb::Document document = kb->add_file(file);
      *context.out << "added " << document.path << " (" << document.chunk_count << " chunk"
                   << (document.chunk_count == 1 ? "" : "s") << ", id " << document.id << ")\n";
    } catch (const Error& e) {
      // Keep going: one bad file should not stop the others from being added.
      ++failed;
      *context.err << "error: " << file << ": " << e.what() << "\n";
      if (!e.fix().empty()) *context.err << "  fix: " << e.fix() << "\n";
    }
  }
  if (failed > 0) {
    throw Error(std::to_string(failed) + " of " + std::to_string(args.files.size()) + " file(s) could not be added",
                "see the messages above");
  }
}

void run_list(const KbCommandContext& context, const KbArgs& args) {
  const config::Config config = context.load_config();
  const auto kb = open_kb(context, config);
  kb->sync(progress_printer(*context.err, context.terminal));
  const auto documents = kb->documents();
  std::ostream& out = *context.out;
  if (args.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& document : documents) {
      list.push_back({{"id", document.id},
                      {"path", document.path},
                      {"format", document.format},
                      {"size_bytes", document.size_bytes},
                      {"chunks", document.chunk_count},
                      {"sha256", document.content_hash}});
    }
    out << list.dump(2) << "\n";
    return;
  }
  if (documents.empty()) {
    out << "no documents in " << config.paths.kb_dir.string()
        << " (add some with `localvoice kb add FILE` or copy them there)\n";
    return;
  }
  out << std::left << std::setw(6) << "ID" << std::setw(10) << "FORMAT" << std::setw(8) << "CHUNKS" << std::setw(11)
      << "SIZE"
      << "PATH\n";
  for (const auto& document : documents) {
    out << std::left << std::setw(6) << document.id << std::setw(10) << document.format << std::setw(8)
        << document.chunk_count << std::setw(11) << document.size_bytes << document.path << "\n";
  }
}

void run_search(const KbCommandContext& context, const KbArgs& args) {
  const config::Config config = context.load_config();
  if (args.k < 0 || args.k > 100) throw Error("--k " + std::to_string(args.k) + " is out of range", "use 1 to 100");
  const auto kb = open_kb(context, config);
  kb->sync(progress_printer(*context.err, context.terminal));
  const std::size_t k = static_cast<std::size_t>(args.k > 0 ? args.k : config.kb.top_k);
  const auto results = kb->search(args.query, k, std::max(0.0, args.min_score));
  std::ostream& out = *context.out;
  if (args.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& result : results) {
      list.push_back({{"chunk_id", result.chunk_id},
                      {"document_id", result.document_id},
                      {"source", result.source},
                      {"heading", result.heading},
                      {"score", result.score},
                      {"lexical_rank", result.lexical_rank},
                      {"dense_rank", result.dense_rank},
                      {"snippet", result.snippet},
                      {"text", result.text}});
    }
    out << list.dump(2) << "\n";
    return;
  }
  if (results.empty()) {
    out << "no matches for \"" << args.query << "\"\n";
    return;
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& result = results[i];
    out << i + 1 << ". " << result.source;
    if (!result.heading.empty()) out << " — " << result.heading;
    out << "  (score " << score_text(result.score) << ")\n   " << result.snippet << "\n";
  }
}

void run_rebuild(const KbCommandContext& context) {
  const config::Config config = context.load_config();
  const auto kb = open_kb(context, config);
  const kb::SyncReport report = kb->rebuild(progress_printer(*context.err, context.terminal));
  print_report(*context.out, report, kb->documents().size());
}

}  // namespace

CLI::App& add_kb_command(CLI::App& root, KbCommandContext context) {
  auto shared = std::make_shared<KbCommandContext>(std::move(context));
  auto args = std::make_shared<KbArgs>();
  CLI::App* kb = root.add_subcommand("kb", "Manage and search the knowledge base (your documents)");
  kb->require_subcommand(1);

  CLI::App* add = kb->add_subcommand("add", "Copy files into the knowledge folder and index them");
  add->add_option("files", args->files, "Text, Markdown, HTML or PDF files")->required();
  add->fallthrough();
  add->callback([shared, args] { run_add(*shared, *args); });

  CLI::App* list = kb->add_subcommand("list", "Index the folder and list its documents");
  list->add_flag("--json", args->json, "Print JSON");
  list->fallthrough();
  list->callback([shared, args] { run_list(*shared, *args); });

  CLI::App* search = kb->add_subcommand("search", "Search the documents; prints ranked passages");
  search->add_option("query", args->query, "What to look for")->required();
  search->add_option("--k", args->k, "How many passages (default kb.top_k)");
  search->add_option("--min-score", args->min_score, "Leave out passages scoring below this (0 to 1)");
  search->add_flag("--json", args->json, "Print JSON");
  search->fallthrough();
  search->callback([shared, args] { run_search(*shared, *args); });

  CLI::App* rebuild = kb->add_subcommand("rebuild", "Forget the index and index every document again");
  rebuild->fallthrough();
  rebuild->callback([shared] { run_rebuild(*shared); });
  return *kb;
}

}  // namespace lv::app
