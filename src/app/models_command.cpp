#include "app/models_command.h"

#include <iomanip>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "models/model_store.h"
#include "models/progress_printer.h"
#include "util/error.h"

namespace lv::app {
namespace {

struct ModelsArgs {
  std::string catalog_path;
  bool json = false;
  std::vector<std::string> names;
  std::string profile;
};

std::string size_text(std::uint64_t bytes) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(bytes >= 1000000000 ? 1 : 0);
  if (bytes >= 1000000000) {
    out << static_cast<double>(bytes) / 1e9 << " GB";
  } else {
    out << static_cast<double>(bytes) / 1e6 << " MB";
  }
  return out.str();
}

models::ModelStore open_store(const ModelsCommandContext& context, const ModelsArgs& args) {
  models::Catalog catalog =
      args.catalog_path.empty() ? models::embedded_catalog() : models::load_catalog(args.catalog_path);
  models::StoreOptions options;
  options.models_dir = context.models_dir();
  options.env = context.env;
  return models::ModelStore(std::move(catalog), std::move(options));
}

void run_list(const ModelsCommandContext& context, const ModelsArgs& args) {
  const models::ModelStore store = open_store(context, args);
  std::ostream& out = *context.out;
  if (args.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& status : store.list()) {
      list.push_back({{"name", status.model->name},
                      {"role", models::role_name(status.model->role)},
                      {"installed", status.installed},
                      {"location", models::location_name(status.location)},
                      {"path", status.path.string()},
                      {"size_bytes", status.model->size_bytes()},
                      {"ram_bytes", status.model->ram_bytes},
                      {"license", status.model->license},
                      {"verified", status.model->verified},
                      {"description", status.model->description}});
    }
    out << list.dump(2) << "\n";
    return;
  }
  out << std::left << std::setw(38) << "NAME" << std::setw(11) << "ROLE" << std::setw(10) << "SIZE" << std::setw(14)
      << "STATUS"
      << "LICENSE / PATH\n";
  for (const auto& status : store.list()) {
    const std::string state =
        status.installed ? (status.location == models::Location::hf_cache ? "in HF cache" : "installed") : "-";
    out << std::left << std::setw(38) << status.model->name << std::setw(11) << models::role_name(status.model->role)
        << std::setw(10) << size_text(status.model->size_bytes()) << std::setw(14) << state << status.model->license
        << "\n"
        << std::setw(73) << "" << status.path.string() << "\n";
  }
  for (const auto& profile : store.catalog().profiles) {
    out << "profile " << profile.name << " (" << size_text(profile.ram_bytes) << " RAM): ";
    for (std::size_t i = 0; i < profile.models.size(); ++i) {
      out << (i > 0 ? ", " : "") << profile.models[i];
    }
    out << "\n";
  }
}

void run_pull(const ModelsCommandContext& context, const ModelsArgs& args) {
  if (args.names.empty() == args.profile.empty()) {
    throw Error("`models pull` needs model names or --profile (not both)",
                "e.g. `localvoice models pull whisper:base.en` or `localvoice models pull --profile small`");
  }
  models::ModelStore store = open_store(context, args);
  const auto progress = models::progress_printer(context.terminal ? *context.err : *context.out, context.terminal);
  std::vector<std::string> names = args.names;
  if (!args.profile.empty()) {
    names = store.missing(args.profile);
  }
  for (const auto& name : names) {
    const models::PullResult result = store.pull(name, progress);
    for (const auto& warning : result.warnings) {
      *context.err << "warning: " << warning << "\n";
    }
    if (context.terminal) {
      *context.err << name << (result.downloaded ? ": installed at " : ": already installed at ")
                   << store.resolve(name).string() << "\n";
    } else {
      *context.out << nlohmann::json{{"event", "installed"},
                                     {"model", name},
                                     {"path", store.resolve(name).string()},
                                     {"downloaded", result.downloaded},
                                     {"bytes_transferred", result.bytes_transferred}}
                          .dump()
                   << "\n";
    }
  }
}

void run_rm(const ModelsCommandContext& context, const ModelsArgs& args) {
  models::ModelStore store = open_store(context, args);
  for (const auto& name : args.names) {
    const bool removed = store.remove(name);
    *context.out << name << (removed ? ": removed" : ": was not installed in " + store.options().models_dir.string())
                 << "\n";
  }
}

void run_verify(const ModelsCommandContext& context, const ModelsArgs& args) {
  const models::ModelStore store = open_store(context, args);
  bool all_ok = true;
  const auto results = store.verify(args.names);
  for (const auto& result : results) {
    all_ok = all_ok && result.ok;
    *context.out << (result.ok ? "ok    " : "FAILED") << " " << result.model << " " << result.file.string() << ": "
                 << result.detail << "\n";
  }
  if (results.empty()) {
    *context.out << "no models installed\n";
  }
  if (!all_ok) {
    throw CLI::RuntimeError(1);
  }
}

void run_path(const ModelsCommandContext& context, const ModelsArgs& args) {
  const models::ModelStore store = open_store(context, args);
  *context.out << store.status(args.names.front()).path.string() << "\n";
}

}  // namespace

CLI::App& add_models_command(CLI::App& root, ModelsCommandContext context) {
  auto args = std::make_shared<ModelsArgs>();
  auto shared = std::make_shared<ModelsCommandContext>(std::move(context));
  CLI::App* models = root.add_subcommand("models", "List, download, remove and verify model files");
  models->require_subcommand(1);
  models->add_option("--catalog", args->catalog_path, "Use this catalog JSON instead of the built-in one")
      ->check(CLI::ExistingFile);

  CLI::App* list = models->add_subcommand("list", "Show catalog models: installed or not, size, path, license");
  list->add_flag("--json", args->json, "Print JSON");
  list->callback([shared, args] { run_list(*shared, *args); });

  CLI::App* pull = models->add_subcommand("pull", "Download models (resumable, checksum-verified)");
  pull->add_option("names", args->names, "Catalog names, e.g. whisper:base.en");
  pull->add_option("--profile", args->profile, "Pull the missing models of a profile (small, quality)");
  pull->callback([shared, args] { run_pull(*shared, *args); });

  CLI::App* rm = models->add_subcommand("rm", "Delete downloaded model files");
  rm->add_option("names", args->names, "Catalog names")->required();
  rm->callback([shared, args] { run_rm(*shared, *args); });

  CLI::App* verify = models->add_subcommand("verify", "Re-hash installed model files");
  verify->add_option("names", args->names, "Catalog names (default: all installed)");
  verify->callback([shared, args] { run_verify(*shared, *args); });

  CLI::App* path = models->add_subcommand("path", "Print where a model's file is (or goes when pulled)");
  path->add_option("name", args->names, "Catalog name")->required()->expected(1);
  path->callback([shared, args] { run_path(*shared, *args); });
  return *models;
}

}  // namespace lv::app
