#include "app/history_command.h"

#include <fstream>
#include <iomanip>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "api/history_json.h"
#include "history/markdown_export.h"
#include "history/sqlite_history.h"
#include "history/time_text.h"
#include "util/error.h"

namespace lv::app {
namespace {

struct HistoryArgs {
  std::size_t limit = 20;
  std::size_t offset = 0;
  bool json = false;
  std::string id;
  std::string format = "md";
  std::string output;
};

// Reading commands do not create the data folder or an empty database just to say there is nothing.
std::optional<history::SqliteHistory> open_existing(const HistoryCommandContext& context) {
  const auto path = history::history_database_path(context.data_dir());
  if (!std::filesystem::exists(path)) {
    return std::nullopt;
  }
  return std::optional<history::SqliteHistory>(std::in_place, path);
}

[[noreturn]] void throw_unknown(const std::string& id) {
  throw Error("no conversation with id '" + id + "'", "see `localvoice history list` for the ids");
}

history::StoredSession load(const HistoryCommandContext& context, const std::string& id) {
  auto history = open_existing(context);
  auto stored = history ? history->get_session(id) : std::nullopt;
  if (!stored) {
    throw_unknown(id);
  }
  return std::move(*stored);
}

// Cuts a title to fit a terminal column, counting UTF-8 characters rather than bytes.
std::string fit(const std::string& text, std::size_t max_chars) { return history::make_title(text, max_chars); }

void run_list(const HistoryCommandContext& context, const HistoryArgs& args) {
  std::ostream& out = *context.out;
  auto history = open_existing(context);
  const auto page = history ? history->list_sessions(args.limit, args.offset) : std::vector<history::SessionSummary>();
  const std::size_t total = history ? history->count_sessions() : 0;
  if (args.json) {
    out << api::dump_json(api::conversation_list_json(page, total, args.offset), 2) << "\n";
    return;
  }
  if (total == 0) {
    out << "no conversations yet: they are recorded while `localvoice serve` runs\n";
    return;
  }
  out << std::left << std::setw(38) << "ID" << std::setw(22) << "STARTED" << std::setw(7) << "TURNS"
      << "TITLE\n";
  for (const auto& summary : page) {
    out << std::left << std::setw(38) << summary.id << std::setw(22)
        << history::format_utc_minute(summary.started_at_ms) << std::setw(7) << summary.turn_count
        << (summary.title.empty() ? "-" : fit(summary.title, 60)) << "\n";
  }
  if (page.empty()) {
    out << "no conversations at offset " << args.offset << " (there are " << total << ")\n";
  } else if (args.offset + page.size() < total) {
    out << "showing " << args.offset + 1 << "-" << args.offset + page.size() << " of " << total << "; --offset "
        << args.offset + page.size() << " shows more\n";
  }
}

void run_show(const HistoryCommandContext& context, const HistoryArgs& args) {
  *context.out << history::export_markdown(load(context, args.id));
}

void run_export(const HistoryCommandContext& context, const HistoryArgs& args) {
  const history::StoredSession stored = load(context, args.id);
  const std::string text = args.format == "json" ? api::dump_json(api::conversation_json(stored), 2) + "\n"
                                                 : history::export_markdown(stored);
  if (args.output.empty() || args.output == "-") {
    *context.out << text;
    return;
  }
  std::ofstream file(args.output, std::ios::binary | std::ios::trunc);
  file << text;
  file.flush();
  if (!file) {
    throw Error("cannot write the export to '" + args.output + "'",
                "check that its folder exists and is writable, or use --output - for standard output");
  }
  *context.out << "exported conversation " << stored.session.id << " (" << stored.turns.size() << " turns) to "
               << args.output << "\n";
}

void run_rm(const HistoryCommandContext& context, const HistoryArgs& args) {
  auto history = open_existing(context);
  if (!history || !history->delete_session(args.id)) {
    throw_unknown(args.id);
  }
  *context.out << "deleted conversation " << args.id << "\n";
}

}  // namespace

CLI::App& add_history_command(CLI::App& root, HistoryCommandContext context) {
  auto args = std::make_shared<HistoryArgs>();
  auto shared = std::make_shared<HistoryCommandContext>(std::move(context));
  CLI::App* command = root.add_subcommand("history", "List, show, export and delete recorded conversations");
  command->require_subcommand(1);

  CLI::App* list = command->add_subcommand("list", "Show recorded conversations, newest first");
  list->add_option("--limit", args->limit, "How many to show")->check(CLI::Range(1, 100000));
  list->add_option("--offset", args->offset, "Skip this many of the newest");
  list->add_flag("--json", args->json, "Print JSON (the shape of GET /v1/history)");
  list->callback([shared, args] { run_list(*shared, *args); });

  CLI::App* show = command->add_subcommand("show", "Print a conversation as a readable transcript");
  show->add_option("id", args->id, "Conversation id (from `history list`)")->required();
  show->callback([shared, args] { run_show(*shared, *args); });

  CLI::App* exporter = command->add_subcommand("export", "Write a conversation as Markdown or JSON");
  exporter->add_option("id", args->id, "Conversation id (from `history list`)")->required();
  exporter->add_option("--format", args->format, "md (a readable transcript) or json")
      ->check(CLI::IsMember({"md", "json"}));
  exporter->add_option("-o,--output", args->output, "Write to this file instead of standard output");
  exporter->callback([shared, args] { run_export(*shared, *args); });

  CLI::App* rm = command->add_subcommand("rm", "Delete a conversation and its turns");
  rm->add_option("id", args->id, "Conversation id (from `history list`)")->required();
  rm->callback([shared, args] { run_rm(*shared, *args); });
  return *command;
}

}  // namespace lv::app
