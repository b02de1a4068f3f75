#include "app/serve_command.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <iostream>
#include <memory>
#include <thread>

#include "api/chat_routes.h"
#include "api/embedding_routes.h"
#include "api/history_routes.h"
#include "api/kb_routes.h"
#include "api/model_routes.h"
#include "api/realtime_endpoint.h"
#include "api/speech_routes.h"
#include "api/system_routes.h"
#include "api/transcription_routes.h"
#include "app/engine_setup.h"
#include "app/knowledge_setup.h"
#include "app/loaded_engines.h"
#include "app/session_factory.h"
#include "app/web_root.h"
#include "history/sqlite_history.h"
#include "metrics/registry.h"
#include "models/model_store.h"
#include "models/progress_printer.h"
#include "models/pull_monitor.h"
#include "server/http_server.h"
#include "session/session_runtime.h"
#include "util/log.h"
#include "util/version.h"

namespace lv::app {
namespace {

struct ServeFlags {
  bool print_config = false;
  bool pull = false;  // download the profile's missing models before serving
  std::string pull_profile = "small";
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

std::string parsed_scheme(const std::string& url) {
  try {
    return engine::parse_engine_url(url).scheme;
  } catch (const Error&) {
    return {};
  }
}

// Creates and warms up each configured engine and mounts the routes it serves. An engine that fails to
// load is reported (log, /ready) and left out: the server still starts with what works.
void load_engines(const config::Config& config, const EngineSetup& engines, engine::EngineStatusBoard& board,
                  server::Router& router, LoadedEngines& loaded) {
  for (const auto& [kind, url] : configured_engines(config)) {
    auto status = check_engine(engines, kind, url);
    if (status.state == engine::EngineState::ready) {
      const auto started = std::chrono::steady_clock::now();
      try {
        const auto parsed = engine::parse_engine_url(url);
        if (kind == engine::EngineKind::llm) {
          auto llm = engines.llm.create(parsed);
          api::add_chat_routes(router, llm, llm->model_name());
          loaded.update([&](EngineSet& set) {
            set.llm = llm;
            set.llm_url = parsed.redacted();
          });
        } else if (kind == engine::EngineKind::vad) {
          auto vad = engines.vad.create(parsed);  // loaded and warmed up now; voice sessions share it
          loaded.update([&](EngineSet& set) {
            set.vad = vad;
            set.vad_url = parsed.redacted();
          });
        } else if (kind == engine::EngineKind::stt) {
          api::TranscriptionRoutesOptions options;
          options.max_upload_bytes = config.server.max_upload_bytes;
          auto stt = engines.stt.create(parsed);
          api::add_transcription_routes(router, stt, options);
          loaded.update([&](EngineSet& set) {
            set.stt = stt;
            set.stt_url = parsed.redacted();
          });
        } else if (kind == engine::EngineKind::embeddings) {
          auto embeddings = engines.embeddings.create(parsed);
          api::add_embedding_routes(router, embeddings);
          loaded.update([&](EngineSet& set) { set.embeddings = embeddings; });
        } else if (kind == engine::EngineKind::tts) {
          auto tts = engines.tts.create(parsed);
          api::add_speech_routes(router, tts);
          loaded.update([&](EngineSet& set) {
            set.tts = tts;
            set.tts_url = parsed.redacted();
          });
        }
        status.detail += "; loaded in " +
                         std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            std::chrono::steady_clock::now() - started)
                                            .count()) +
                         " ms";
      } catch (const Error& e) {
        status.state = engine::EngineState::failed;
        status.detail = e.full_message();
        if (kind == engine::EngineKind::vad && parsed_scheme(url) != "energy") {
          // Turn-taking cannot work without a VAD: fall back to the model-free one and say so.
          auto fallback = engines.vad.create(engine::parse_engine_url("energy:"));
          loaded.update([&](EngineSet& set) {
            set.vad = fallback;
            set.vad_url = "energy:";
          });
          status.detail += "; using energy: instead";
        }
      }
    }
    if (status.state == engine::EngineState::failed) {
      // The server still starts: sessions use what works and say what does not (graceful degradation).
      status.state = engine::EngineState::degraded;
      log::warn("engine unavailable",
                {{"kind", std::string(engine::kind_name(kind))}, {"url", status.url}, {"detail", status.detail}});
    } else if (status.state == engine::EngineState::ready) {
      log::info("engine ready", {{"kind", std::string(engine::kind_name(kind))}, {"url", status.url}});
    }
    board.set(std::move(status));
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

// Downloads the profile's missing models, reporting progress to the log (stderr) and to web UI watchers.
void pull_models(const config::Config& config, const std::string& profile, models::PullMonitor& monitor,
                 const std::atomic<bool>& stopping) {
  models::ModelStore store(models::embedded_catalog(), {config.paths.models_dir, models::store_environment()});
  const auto missing = store.missing(profile);
  log::info("fetching missing models", {{"profile", profile}, {"count", missing.size()}});
  const auto print = models::progress_printer(std::cerr, isatty(STDERR_FILENO) != 0);
  try {
    store.pull_missing(
        profile,
        [&](const models::PullProgress& progress) {
          monitor.report(progress);
          print(progress);
        },
        [&stopping] { return stopping.load(); });
    monitor.finish();
  } catch (const Error& e) {
    // The server goes on with the engines it can load; the UI and the log say what failed.
    monitor.fail(e.full_message());
    log::error("model download failed", {{"profile", profile}, {"error", e.full_message()}});
  }
}

int serve(const CliConfig& cli_config, const ServeFlags& flags) {
  const config::Config config = cli_config.load();
  if (flags.print_config) {
    std::cout << config::to_toml(config);
    return 0;
  }
  log::init(log::parse_level(config.log.level), log::parse_format(config.log.format));
  const sigset_t signals = block_termination_signals();

  auto metrics = std::make_shared<metrics::Registry>();
  auto board = std::make_shared<engine::EngineStatusBoard>();
  auto monitor = std::make_shared<models::PullMonitor>();
  if (flags.pull) {
    // Pulling from the moment the port opens: a progress watcher never sees "idle" before the download starts.
    monitor->start(flags.pull_profile);
  }
  const EngineSetup engines(config);
  for (const auto& [kind, url] : configured_engines(config)) {
    engine::EngineStatus status;
    status.kind = kind;
    status.url = redacted(url);
    status.state = url.empty() ? engine::EngineState::absent : engine::EngineState::loading;
    status.detail = flags.pull ? "waiting for model downloads (GET /v1/models/pull)" : "loading";
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
  server::Router router;
  api::add_system_routes(router, api::SystemRoutesContext{std::chrono::steady_clock::now(), board, metrics});
  api::add_realtime_endpoint(
      router,
      api::RealtimeContext{make_session_factory({loaded, board, runtime, history, session_options(config)}), {}});
  api::add_model_routes(router, monitor);
  if (history) {
    api::add_history_routes(router, history);
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
  const std::uint16_t port = server.start();
  const bool v6 = options.host.find(':') != std::string::npos;
  const std::string url = "http://" + (v6 ? "[" + options.host + "]" : options.host) + ":" + std::to_string(port);
  log::info("listening",
            {{"url", url}, {"port", port}, {"version", kVersion}, {"web_root", options.web_root.string()}});

  std::atomic<bool> stopping{false};
  kb::KnowledgeBasePtr knowledge;
  auto indexing = std::make_shared<kb::IndexingMonitor>();
  std::thread loader([&] {
    if (flags.pull) {
      pull_models(config, flags.pull_profile, *monitor, stopping);
    }
    if (stopping) {
      return;
    }
    load_engines(config, engines, *board, server.router(), *loaded);
    knowledge = attach_knowledge_base(config, server.router(), *loaded, indexing);
    board->mark_loaded();
    log::info("engines loaded", {{"url", url}});
    if (knowledge) {
      // Sessions already use what is indexed; the folder catches up here, then is watched for changes.
      sync_knowledge_base(*knowledge, indexing, stopping);
    }
    if (const auto missing = engines.store().missing("small"); !missing.empty()) {
      std::string names;
      for (const auto& name : missing) {
        names += (names.empty() ? "" : ", ") + name;
      }
      log::info("models that would improve LocalVoice are not installed",
                {{"missing", names}, {"fix", "localvoice models pull --profile small (or serve --pull)"}});
    }
  });

  int received = 0;
  sigwait(&signals, &received);
  log::info("shutting down",
            {{"signal", received == SIGINT ? "SIGINT" : "SIGTERM"}, {"grace_ms", config.server.shutdown_grace_ms}});
  stopping = true;
  // A download stops at once; an engine still loading is finished first (model loading cannot be cut short).
  loader.join();
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
  auto flags = std::make_shared<ServeFlags>();
  command->add_flag("--print-config", flags->print_config, "Print the effective configuration (TOML) and exit");
  command->add_flag("--pull", flags->pull, "Download the missing models of the profile before serving");
  command->add_option("--profile", flags->pull_profile, "Model profile for --pull: small or quality")
      ->capture_default_str();
  command->callback([&cli_config, flags] {
    const int code = serve(cli_config, *flags);
    if (code != 0) {
      throw CLI::RuntimeError(code);
    }
  });
}

}  // namespace lv::app
