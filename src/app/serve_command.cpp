#include "app/serve_command.h"

#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <memory>

#include "api/realtime_endpoint.h"
#include "api/system_routes.h"
#include "app/web_root.h"
#include "metrics/registry.h"
#include "models/model_store.h"
#include "models/progress_printer.h"
#include "server/http_server.h"
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

int serve(const CliConfig& cli_config, const EngineSetup& engines, const ServeFlags& flags) {
  const config::Config config = cli_config.load();
  if (flags.print_config) {
    std::cout << config::to_toml(config);
    return 0;
  }
  log::init(log::parse_level(config.log.level), log::parse_format(config.log.format));
  if (flags.pull) {
    // Before the signal mask: Ctrl-C during a download ends the program, and the partial file is resumed
    // by the next pull.
    models::ModelStore store(models::embedded_catalog(), {config.paths.models_dir, models::store_environment()});
    const auto missing = store.missing(flags.pull_profile);
    log::info("fetching missing models", {{"profile", flags.pull_profile}, {"count", missing.size()}});
    store.pull_missing(flags.pull_profile, models::progress_printer(std::cerr, isatty(STDERR_FILENO) != 0));
  }
  const sigset_t signals = block_termination_signals();

  auto metrics = std::make_shared<metrics::Registry>();
  auto board = std::make_shared<engine::EngineStatusBoard>();
  for (const auto& [kind, url] : configured_engines(config)) {
    auto status = check_engine(engines, kind, url);
    if (status.state == engine::EngineState::failed) {
      // The server still starts: sessions use what works and say what does not (graceful degradation).
      status.state = engine::EngineState::degraded;
      log::warn("engine unavailable",
                {{"kind", std::string(engine::kind_name(kind))}, {"url", status.url}, {"detail", status.detail}});
    }
    board->set(std::move(status));
  }
  board->mark_loaded();

  server::Router router;
  api::add_system_routes(router, api::SystemRoutesContext{std::chrono::steady_clock::now(), board, metrics});
  api::add_realtime_endpoint(router);

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

  server::HttpServer server(options, std::move(router), metrics);
  const std::uint16_t port = server.start();
  const bool v6 = options.host.find(':') != std::string::npos;
  const std::string url = "http://" + (v6 ? "[" + options.host + "]" : options.host) + ":" + std::to_string(port);
  log::info("listening",
            {{"url", url}, {"port", port}, {"version", kVersion}, {"web_root", options.web_root.string()}});

  int received = 0;
  sigwait(&signals, &received);
  log::info("shutting down",
            {{"signal", received == SIGINT ? "SIGINT" : "SIGTERM"}, {"grace_ms", config.server.shutdown_grace_ms}});
  server.stop();
  log::info("stopped");
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& root, CliConfig& cli_config, const EngineSetup& engines) {
  auto* command = root.add_subcommand("serve", "Run the voice assistant server (HTTP, WebSocket and web UI)");
  cli_config.add_server_flags(*command);
  cli_config.add_engine_flags(*command);
  cli_config.add_path_flags(*command);
  auto flags = std::make_shared<ServeFlags>();
  command->add_flag("--print-config", flags->print_config, "Print the effective configuration (TOML) and exit");
  command->add_flag("--pull", flags->pull, "Download the missing models of the profile before serving");
  command->add_option("--profile", flags->pull_profile, "Model profile for --pull: small or quality")
      ->capture_default_str();
  command->callback([&cli_config, &engines, flags] {
    const int code = serve(cli_config, engines, *flags);
    if (code != 0) {
      throw CLI::RuntimeError(code);
    }
  });
}

}  // namespace lv::app
