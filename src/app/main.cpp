// The composition root: builds the engine registries and the subcommands, then runs the one asked for.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <iostream>

#include "app/cli_config.h"
#include "app/doctor_command.h"
#include "app/engine_setup.h"
#include "app/models_command.h"
#include "app/serve_command.h"
#include "config/config.h"
#include "models/model_store.h"
#include "models/progress_printer.h"
#include "util/error.h"
#include "util/log.h"
#include "util/version.h"

namespace {

lv::app::EngineSetup build_engine_setup() {
  lv::app::EngineSetup setup;
  return setup;
}

}  // namespace

int main(int argc, char** argv) {
  // Until the configuration is read, log readable lines at warn level (only problems show).
  lv::log::init(lv::log::Level::warn);
  const lv::app::EngineSetup engines = build_engine_setup();
  lv::app::CliConfig cli_config;

  CLI::App app{"LocalVoice: a private, real-time voice assistant that runs on your own machine", "localvoice"};
  app.require_subcommand(1);
  app.fallthrough();
  cli_config.add_global_flags(app);
  lv::app::add_serve_command(app, cli_config, engines);
  lv::app::add_doctor_command(app, cli_config, engines);
  auto& models = lv::app::add_models_command(
      app, {[&cli_config] { return cli_config.load_and_init_logging().paths.models_dir; },
            lv::models::store_environment(), &std::cout, &std::cerr, isatty(STDERR_FILENO) != 0});
  cli_config.add_path_flags(models);
  app.add_subcommand("version", "Print the version and exit")->callback([] {
    std::cout << "localvoice " << lv::kVersion << "\n";
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const lv::config::ConfigError& e) {
    std::cerr << "localvoice: configuration error: " << e.what() << "\n";
    if (!e.fix().empty()) {
      std::cerr << "  fix: " << e.fix() << "\n";
    }
    return 2;
  } catch (const lv::Error& e) {
    std::cerr << "localvoice: error: " << e.what() << "\n";
    if (!e.fix().empty()) {
      std::cerr << "  fix: " << e.fix() << "\n";
    }
    return 1;
  }
  return 0;
}
