#include "app/serve_command.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <iostream>
#include <memory>
#include <thread>

#include "api/history_routes.h"
#include "api/kb_routes.h"
#include "api/model_routes.h"
#include "api/realtime_endpoint.h"
#include "api/system_routes.h"
#include "api/timer_routes.h"
#include "app/engine_setup.h"
#include "app/knowledge_setup.h"
#include "app/loaded_engines.h"
#include "app/recommended_models.h"
#include "app/session_factory.h"
#include "app/tool_setup.h"
#include "app/web_root.h"
#include "app/wyoming_setup.h"
#include "history/sqlite_history.h"
#include "metrics/registry.h"
#include "models/pull_monitor.h"
#include "server/http_server.h"
#include "session/session_runtime.h"
#include "util/log.h"
#include "util/version.h"

namespace lv::app {
namespace {

struct ServeFlags {
  bool print_config = false;
  bool pull = false;     // download the profile's missing models before loading the engines
  bool offline = false;  // download nothing, not even the first run's recommended models
  std::string pull_profile{kRecommendedProfile};
};

// Blocks SIGINT and SIGTERM in this thread and every thread it starts later, so that they can be awaited
// with sigwait() in one place instead of interrupting arbitrary threads.
sigset_t block_termination_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// Engine URLs may carry API keys: only the redacted form is shown.
std::string redacted(const std::string& url) {
  try {
    return engine::parse_engine_url(url).redacted();
  } catch (const Error&) {
    return url;
  }
}

// Opens the knowledge base, mounts its routes and gives sessions its context hook. A knowledge base that
// cannot be opened is reported and left out: conversations go on without it.
kb::KnowledgeBasePtr attach_knowledge_base(const config::Config& config, server::Router& router, LoadedEngines& loaded,
                                           const std::shared_ptr<kb::IndexingMonitor>& indexing) {
  try {
    auto knowledge = open_knowledge_base(config, loaded.snapshot().embeddings);
    api::KbRoutesLimits limits;
    limits.max_upload_bytes = config.server.max_upload_bytes;
    limits.default_k = static_cast<std::size_t>(config.kb.top_k);
    api::add_kb_routes(router, knowledge, limits);
    api::add_kb_indexing_route(router, indexing);
    auto context = make_context_provider(config, knowledge);
    loaded.update([&](EngineSet& set) { set.context = context; });
    return knowledge;
  } catch (const Error& e) {
    log::error("knowledge base unavailable", {{"kb_dir", config.paths.kb_dir.string()}, {"error", e.full_message()}});
    return nullptr;
  }
}

// Watches the folder, then indexes what changed in it since the last run (progress in the log and the UI).
void sync_knowledge_base(kb::KnowledgeBase& knowledge, const std::shared_ptr<kb::IndexingMonitor>& indexing,
                         const std::atomic<bool>& stopping) {
  const auto progress = [indexing](std::size_t done, std::size_t total, const std::string& path) {
    indexing->report(done, total, path);
    log::info("indexing knowledge base", {{"done", done}, {"total", total}, {"path", path}});
  };
  if (stopping) {
    return;
  }
  // Watch first: a file that changes while the catch-up pass runs is picked up by the watcher's next pass
  // instead of being missed between the two.
  try {
    knowledge.start_watching(progress);
  } catch (const Error& e) {
    log::warn("knowledge folder not watched; changes are picked up at the next start", {{"error", e.full_message()}});
  }
  const auto report = knowledge.sync(progress);
  log::info("knowledge base ready", {{"added", report.added},
                                     {"updated", report.updated},
                                     {"removed", report.removed},
                                     {"unchanged", report.unchanged},
                                     {"skipped", report.skipped},
                                     {"chunks", knowledge.chunk_count()}});
}

int serve(const CliConfig& cli_config, const ServeFlags& flags) {
  // As written by the user: which engines follow the installed models is decided by RecommendedModels.
  const config::Config config = cli_config.load_as_written();
  if (flags.print_config) {
    std::cout << config::to_toml(cli_config.load());
    return 0;
  }
  log::init(log::parse_level(config.log.level), log::parse_format(config.log.format));
  const sigset_t signals = block_termination_signals();

  auto metrics = std::make_shared<metrics::Registry>();
  auto board = std::make_shared<engine::EngineStatusBoard>();
  auto monitor = std::make_shared<models::PullMonitor>();
  const EngineSetup engines(config);
  for (const auto& [kind, url] : configured_engines(config)) {
    engine::EngineStatus status;
    status.kind = kind;
    status.url = redacted(url);
    status.state = url.empty() ? engine::EngineState::absent : engine::EngineState::loading;
    status.detail = flags.pull ? "waiting for model downloads (GET /v1/models/pull)" : "loading";
    status.summary = flags.pull ? "waiting for the download" : "loading";
    board->set(std::move(status));
  }
  auto loaded = std::make_shared<LoadedEngines>();
  std::shared_ptr<history::SqliteHistory> history;
  try {
    history = std::make_shared<history::SqliteHistory>(history::history_database_path(config.paths.data_dir));
  } catch (const Error& e) {
    // Conversations still work; they are just not remembered.
    log::error("conversation history unavailable", {{"error", e.full_message()}});
  }
  session::RuntimeOptions runtime_options;
  auto runtime = std::make_shared<session::SessionRuntime>(runtime_options, metrics);
  auto broadcast = std::make_shared<api::RealtimeBroadcast>();
  server::Router router;
  api::add_system_routes(router, api::SystemRoutesContext{std::chrono::steady_clock::now(), board, metrics});
  const session::SessionSource sessions =
      make_session_source({loaded, board, runtime, history, config::to_session_options(config.session)});
  api::add_realtime_endpoint(router, api::RealtimeContext{session::make_session_factory(sessions), {}, broadcast});
  if (history) {
    api::add_history_routes(router, history);
  }
  const ToolSetup tool_setup = start_tools(config);
  if (tool_setup.scheduler) {
    api::add_timer_routes(router, tool_setup.scheduler, tool_setup.zone);
  }

  server::HttpServerOptions options;
  options.host = config.server.host;
  options.port = config.server.port;
  options.io_threads = config.server.io_threads;
  options.worker_threads = config.server.worker_threads;
  options.max_ws_message_bytes = config.server.max_ws_message_bytes;
  options.shutdown_grace_ms = config.server.shutdown_grace_ms;
  options.web_root = resolve_web_root(config.server.web_root);
  if (options.web_root.empty()) {
    log::warn("web UI files not found; serving the API only",
              {{"fix", "build the UI with scripts/run, or set server.web_root (--web-root)"}});
  }

  // The server answers at once (/health, /ready says "loading", download progress); engines are mounted as
  // they finish loading, so a slow model load or download never leaves the port silent.
  server::HttpServer server(options, std::move(router), metrics);
  RecommendedModels models(config, {&config, &engines, board.get(), &server.router(), loaded.get()}, monitor, broadcast,
                           {flags.pull_profile, flags.offline});
  api::add_model_routes(server.router(), monitor, models.downloads());
  if (flags.pull) {
    // Pulling from the moment the port opens: a progress watcher never sees "idle" before the download starts.
    monitor->start(flags.pull_profile);
  }
  const std::uint16_t port = server.start();
  const bool v6 = options.host.find(':') != std::string::npos;
  const std::string url = "http://" + (v6 ? "[" + options.host + "]" : options.host) + ":" + std::to_string(port);
  log::info("listening",
            {{"url", url}, {"port", port}, {"version", kVersion}, {"web_root", options.web_root.string()}});
  // Wyoming (Home Assistant) beside HTTP, on the same engines: its services read them as loaded at each request.
  std::unique_ptr<wyoming::WyomingServer> wyoming_server;
  try {
    wyoming_server = start_wyoming(config, WyomingContext{loaded, runtime, engines.catalog().all(), sessions});
  } catch (const Error& e) {
    log::error("cannot start the Wyoming server", {{"error", e.full_message()}});
    models.downloads()->stop();
    server.stop();
    return 1;
  }

  std::atomic<bool> stopping{false};
  kb::KnowledgeBasePtr knowledge;
  auto indexing = std::make_shared<kb::IndexingMonitor>();
  std::thread loader([&] {
    if (flags.pull) {
      models.pull_and_wait(stopping);
    }
    if (stopping) {
      return;
    }
    models.load_engines();
    knowledge = attach_knowledge_base(config, server.router(), *loaded, indexing);
    board->mark_loaded();
    log::info("engines loaded", {{"url", url}});
    // The first run: what the recommended profile adds arrives in the background and is swapped in.
    models.start_if_missing();
    if (knowledge) {
      // Sessions already use what is indexed; the folder catches up here, then is watched for changes.
      sync_knowledge_base(*knowledge, indexing, stopping);
    }
  });

  int received = 0;
  sigwait(&signals, &received);
  log::info("shutting down",
            {{"signal", received == SIGINT ? "SIGINT" : "SIGTERM"}, {"grace_ms", config.server.shutdown_grace_ms}});
  stopping = true;
  // A download stops at once; an engine still loading is finished first (model loading cannot be cut short).
  models.downloads()->stop();
  loader.join();
  if (wyoming_server) {
    wyoming_server->stop();
  }
  server.stop();
  log::info("stopped");
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& root, CliConfig& cli_config) {
  auto* command = root.add_subcommand("serve", "Run the voice assistant server (HTTP, WebSocket and web UI)");
  cli_config.add_server_flags(*command);
  cli_config.add_engine_flags(*command);
  cli_config.add_path_flags(*command);
  cli_config.add_wyoming_flags(*command);
  auto flags = std::make_shared<ServeFlags>();
  command->add_flag("--print-config", flags->print_config, "Print the effective configuration (TOML) and exit");
  command->add_flag("--pull", flags->pull, "Download the missing models of the profile before loading the engines");
  command->add_flag("--offline", flags->offline,
                    "Download nothing (also HF_HUB_OFFLINE=1); by default the recommended models are fetched in the "
                    "background when they are missing and the network allows it");
  command->add_option("--profile", flags->pull_profile, "Model profile to download: small or quality")
      ->capture_default_str();
  command->callback([&cli_config, flags] {
    const int code = serve(cli_config, *flags);
    if (code != 0) {
      throw CLI::RuntimeError(code);
    }
  });
}

}  // namespace lv::app
