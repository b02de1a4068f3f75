// The composition root: builds the engine registries and the subcommands, then runs the one asked for.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <iostream>

#include "app/chat_command.h"
#include "app/cli_config.h"
#include "app/converse_command.h"
#include "app/doctor_command.h"
#include "app/engine_setup.h"
#include "app/history_command.h"
#include "app/kb_command.h"
#include "app/models_command.h"
#include "app/serve_command.h"
#include "app/session_factory.h"
#include "app/speak_command.h"
#include "app/tools_command.h"
#include "app/transcribe_command.h"
#include "app/vad_command.h"
#include "app/wake_command.h"
#include "config/config.h"
#include "models/model_store.h"
#include "models/progress_printer.h"
#include "util/error.h"
#include "util/log.h"
#include "util/version.h"

int main(int argc, char** argv) {
  // Until the configuration is read, log readable lines at warn level (only problems show).
  lv::log::init(lv::log::Level::warn);
  lv::app::CliConfig cli_config;

  CLI::App app{"LocalVoice: a private, real-time voice assistant that runs on your own machine", "localvoice"};
  app.require_subcommand(1);
  app.fallthrough();
  cli_config.add_global_flags(app);
  lv::app::add_serve_command(app, cli_config);
  lv::app::add_doctor_command(app, cli_config);
  lv::app::add_chat_command(app, {[&cli_config] { return cli_config.load_and_init_logging(); },
                                  [&cli_config](const std::string& url) {
                                    const lv::app::EngineSetup engines(cli_config.load());
                                    return engines.llm.load(url).engine;
                                  }});
  lv::app::add_transcribe_command(app, {[&cli_config] { return cli_config.load_and_init_logging(); },
                                        [&cli_config](const std::string& url) {
                                          const lv::app::EngineSetup engines(cli_config.load());
                                          return engines.stt.load(url).engine;
                                        }});
  lv::app::add_vad_command(app, {[&cli_config] { return cli_config.load_and_init_logging(); },
                                 [&cli_config](const std::string& url) {
                                   const lv::app::EngineSetup engines(cli_config.load());
                                   return engines.vad.load(url).engine;
                                 }});
  lv::app::add_wake_command(app, {[&cli_config] { return cli_config.load_and_init_logging(); },
                                  [&cli_config](const std::string& url) {
                                    const lv::app::EngineSetup engines(cli_config.load());
                                    return engines.wake.load(url).engine;
                                  }});
  lv::app::add_speak_command(app, {[&cli_config] { return cli_config.load_and_init_logging(); },
                                   [&cli_config](const std::string& url) {
                                     const lv::app::EngineSetup engines(cli_config.load());
                                     return engines.tts.load(url).engine;
                                   }});
  auto& converse = lv::app::add_converse_command(app, {[&cli_config] { return cli_config.load_and_init_logging(); },
                                                       [](const lv::config::Config& config) {
                                                         const lv::app::EngineSetup engines(config);
                                                         return lv::app::load_engine_set(config, engines);
                                                       }});
  cli_config.add_engine_flags(converse);
  cli_config.add_path_flags(converse);
  auto& models = lv::app::add_models_command(
      app, {[&cli_config] { return cli_config.load_and_init_logging().paths.models_dir; },
            lv::models::store_environment(), &std::cout, &std::cerr, isatty(STDERR_FILENO) != 0});
  cli_config.add_path_flags(models);
  // Lexical search until the embedding engines are wired in here (the server embeds what the CLI did not).
  auto& kb = lv::app::add_kb_command(app, {[&cli_config] { return cli_config.load_and_init_logging(); },
                                           [](const lv::config::Config& config) -> lv::embed::EmbeddingEnginePtr {
                                             if (config.engines.embeddings.empty()) {
                                               return nullptr;
                                             }
                                             const lv::app::EngineSetup engines(config);
                                             return engines.embeddings.load(config.engines.embeddings).engine;
                                           },
                                           &std::cout, &std::cerr, isatty(STDERR_FILENO) != 0});
  cli_config.add_engine_flags(kb);
  cli_config.add_path_flags(kb);
  auto& history = lv::app::add_history_command(
      app, {[&cli_config] { return cli_config.load_and_init_logging().paths.data_dir; }, &std::cout});
  cli_config.add_path_flags(history);
  cli_config.add_path_flags(
      lv::app::add_tools_command(app, {[&cli_config] { return cli_config.load_and_init_logging(); }, &std::cout}));
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
