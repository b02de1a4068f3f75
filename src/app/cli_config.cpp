#include "app/cli_config.h"

#include "app/engine_setup.h"
#include "models/progress_printer.h"

#include "util/log.h"

namespace lv::app {

void CliConfig::add_setting_flag(CLI::App& command, const std::string& flag, const std::string& key,
                                 const std::string& description) {
  command.add_option_function<std::string>(
      flag, [this, key](const std::string& value) { flag_values_[key] = value; }, description + " [" + key + "]");
}

void CliConfig::add_global_flags(CLI::App& root) {
  root.add_option_function<std::string>(
      "-c,--config", [this](const std::string& path) { config_file_ = path; },
      "Configuration file (TOML); default: $XDG_CONFIG_HOME/localvoice/config.toml if it exists");
  add_setting_flag(root, "--log-level", "log.level", "Log level: trace, debug, info, warn, error, critical, off");
  add_setting_flag(root, "--log-format", "log.format", "Log format: auto (JSON unless a terminal), json, text");
}

void CliConfig::add_server_flags(CLI::App& command) {
  add_setting_flag(command, "--host", "server.host",
                   "Address to listen on (127.0.0.1 by default; use 0.0.0.0 to accept other machines)");
  add_setting_flag(command, "-p,--port", "server.port", "TCP port to listen on (0 picks a free one)");
  add_setting_flag(command, "--web-root", "server.web_root", "Directory of the web UI to serve");
}

void CliConfig::add_engine_flags(CLI::App& command) {
  add_setting_flag(command, "--vad", "engines.vad", "Voice activity detector engine URL, e.g. silero: or energy:");
  add_setting_flag(command, "--stt", "engines.stt", "Speech-to-text engine URL, e.g. whisper:base.en");
  add_setting_flag(command, "--tts", "engines.tts", "Text-to-speech engine URL, e.g. flite:slt");
  add_setting_flag(command, "--llm", "engines.llm", "Language model engine URL, e.g. llama:/models/x.gguf");
  add_setting_flag(command, "--embeddings", "engines.embeddings", "Embedding engine URL for the knowledge base");
}

void CliConfig::add_path_flags(CLI::App& command) {
  add_setting_flag(command, "--data-dir", "paths.data_dir", "Where history and the knowledge index live");
  add_setting_flag(command, "--models-dir", "paths.models_dir", "Where downloaded models live");
  add_setting_flag(command, "--kb-dir,--kb", "paths.kb_dir", "Folder of documents for the knowledge base");
}

void CliConfig::add_wyoming_flags(CLI::App& command) {
  command
      .add_option_function<std::vector<std::string>>(
          "--wyoming",
          [this](const std::vector<std::string>& uris) {
            std::string joined;
            for (const auto& uri : uris) {
              joined += (joined.empty() ? "" : ",") + uri;
            }
            flag_values_["wyoming.uri"] = joined;
          },
          "Also serve the Wyoming protocol (Home Assistant) at tcp://HOST:PORT or unix:///path; repeatable "
          "[wyoming.uri]")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->type_size(1)
      ->allow_extra_args(false);
}

config::Config CliConfig::load() const {
  const config::Config config = load_as_written();
  const models::ModelStore store(configured_catalog(config), {config.paths.models_dir, models::store_environment()});
  return with_installed_profile_engines(config, store, kRecommendedProfile);
}

config::Config CliConfig::load_as_written() const {
  config::Sources sources;
  if (config_file_) {
    sources.file = *config_file_;
  }
  sources.env = config::process_environment();
  sources.flags = flag_values_;
  const auto engines = offered_engines();
  sources.engines = &engines;
  return config::load(sources);
}

config::Config CliConfig::load_and_init_logging() const {
  config::Config config = load();
  log::init(log::parse_level(config.log.level), log::parse_format(config.log.format));
  return config;
}

}  // namespace lv::app
