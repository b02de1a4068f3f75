#include "app/doctor_command.h"

#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <iostream>
#include <system_error>

#include "app/web_root.h"
#include "engine/engine_catalog.h"
#include "util/error.h"
#include "util/version.h"

namespace lv::app {
namespace {

// The nearest existing ancestor decides whether a directory that does not exist yet could be created.
bool writable_or_creatable(const std::filesystem::path& dir) {
  std::filesystem::path probe = dir;
  std::error_code ec;
  while (!probe.empty() && !std::filesystem::exists(probe, ec)) {
    probe = probe.parent_path();
  }
  return !probe.empty() && ::access(probe.c_str(), W_OK) == 0;
}

CheckResult check_directory(const std::string& name, const std::filesystem::path& dir, const std::string& key) {
  CheckResult result{"paths", name, CheckLevel::ok, dir.string(), {}};
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) {
    if (::access(dir.c_str(), W_OK) != 0) {
      result.level = CheckLevel::fail;
      result.detail += " is not writable";
      result.fix = "chmod u+w " + dir.string() + "  (or set " + key + " to a writable directory)";
    }
  } else if (writable_or_creatable(dir)) {
    result.detail += " (will be created on first use)";
  } else {
    result.level = CheckLevel::fail;
    result.detail += " cannot be created";
    result.fix = "mkdir -p " + dir.string() + "  (or set " + key + " to a writable directory)";
  }
  return result;
}

CheckResult check_port(const config::ServerConfig& server) {
  CheckResult result{"server", "listen", CheckLevel::ok, server.host + ":" + std::to_string(server.port), {}};
  if (server.port == 0) {
    result.detail += " (a free port is picked at start)";
    return result;
  }
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io);
  boost::system::error_code ec;
  const std::string host = server.host == "localhost" ? "127.0.0.1" : server.host;
  const auto address = boost::asio::ip::make_address(host, ec);
  if (!ec) {
    const boost::asio::ip::tcp::endpoint endpoint(address, server.port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
      acceptor.set_option(boost::asio::ip::tcp::acceptor::reuse_address(true), ec);
      acceptor.bind(endpoint, ec);
    }
  }
  if (ec) {
    result.level = CheckLevel::warn;
    result.detail += " is not available now (" + ec.message() + "; perhaps LocalVoice is already running)";
    result.fix = "localvoice serve --port " + std::to_string(server.port + 1);
  } else {
    result.detail += " is free";
  }
  return result;
}

const char* level_label(CheckLevel level) {
  switch (level) {
    case CheckLevel::ok:
      return "ok  ";
    case CheckLevel::warn:
      return "warn";
    case CheckLevel::fail:
      return "FAIL";
  }
  return "?";
}

}  // namespace

namespace {

// An engine URL naming a catalog model ("whisper:base.en", "silero:") needs that model's files installed.
void check_catalog_model(const EngineSetup& engines, engine::EngineKind kind, const std::string& url,
                         CheckResult& result) {
  const auto catalog = engines.catalog();
  engine::EngineUrl parsed;
  try {
    parsed = catalog.parse(url, kind);
  } catch (const Error&) {
    return;
  }
  const auto* info = catalog.find(kind, parsed.scheme);
  const std::string name = info == nullptr ? std::string() : engine::catalog_model_name(*info, parsed);
  if (name.empty()) {
    return;
  }
  const auto& store = engines.store();
  bool known = false;
  for (const auto& model : store.catalog().models) {
    known = known || model.name == name;
  }
  if (!known) {
    result.level = CheckLevel::fail;
    result.detail += "; '" + name + "' is not in the model catalog";
    result.fix = "localvoice models list  (shows the names that can be used)";
    return;
  }
  const auto status = store.status(name);
  if (status.installed) {
    result.detail += "; model file " + status.path.string();
    return;
  }
  // An engine with a fallback still works without its model (silero: -> energy:); others cannot.
  result.level = info->fallback.empty() ? CheckLevel::fail : CheckLevel::warn;
  result.detail += "; model " + name + " is not installed";
  result.fix = "localvoice models pull " + name;
}

CheckResult check_profile(const models::ModelStore& store, const std::string& profile) {
  CheckResult result{"models", profile + "_profile", CheckLevel::ok, {}, {}};
  const auto missing = store.missing(profile);
  if (missing.empty()) {
    result.detail = "every model of the " + profile + " profile is installed in " + store.options().models_dir.string();
    return result;
  }
  result.level = CheckLevel::warn;
  for (const auto& name : missing) {
    result.detail += (result.detail.empty() ? "not installed: " : ", ") + name;
  }
  result.fix = "localvoice models pull --profile " + profile + "  (or copy the files to `localvoice models path NAME`)";
  return result;
}

}  // namespace

std::vector<CheckResult> run_checks(const config::Config& config, const EngineSetup& engines) {
  std::vector<CheckResult> results;
  for (const auto& [kind, url] : configured_engines(config)) {
    const auto status = check_engine(engines, kind, url);
    CheckResult result{"engines", std::string(engine::kind_name(kind)), CheckLevel::ok, {}, {}};
    const std::string key = "engines." + std::string(engine::kind_name(kind));
    switch (status.state) {
      case engine::EngineState::absent:
        // Without a language model a session still answers (from the knowledge base, or by saying so).
        result.level = kind == engine::EngineKind::llm ? CheckLevel::warn : CheckLevel::ok;
        result.detail = "none configured";
        if (kind == engine::EngineKind::llm) {
          result.fix = "set " + key + " (--llm), e.g.";
          for (const auto& info : engines.schemes(kind)) {
            result.fix += " " + info.example;
          }
        }
        break;
      case engine::EngineState::failed:
        result.level = CheckLevel::fail;
        result.detail = status.url + ": " + status.detail;
        result.fix = "set " + key + " to one of the engines this build offers, listed above";
        break;
      default:
        result.detail = status.url + " (" + status.detail + ")";
        check_catalog_model(engines, kind, url, result);
        break;
    }
    results.push_back(std::move(result));
  }
  results.push_back(check_profile(engines.store(), "small"));
  results.push_back(check_directory("data_dir", config.paths.data_dir, "paths.data_dir (--data-dir)"));
  results.push_back(check_directory("models_dir", config.paths.models_dir, "paths.models_dir (--models-dir)"));
  results.push_back(check_directory("kb_dir", config.paths.kb_dir, "paths.kb_dir (--kb-dir)"));
  const auto web_root = resolve_web_root(config.server.web_root);
  if (web_root.empty()) {
    results.push_back({"web", "ui", CheckLevel::warn, "web UI files not found", "scripts/run (builds the UI)"});
  } else {
    results.push_back({"web", "ui", CheckLevel::ok, web_root.string(), {}});
  }
  results.push_back(check_port(config.server));
  return results;
}

std::string engine_list(const config::Config& config, const EngineSetup& engines) {
  const auto offered = engines.catalog();
  std::string out;
  for (const auto& [kind, url] : configured_engines(config)) {
    const auto schemes = offered.of_kind(kind);
    out += "  " + std::string(engine::kind_name(kind)) + ":";
    if (schemes.empty()) {
      out += " (none yet)";
    }
    for (const auto& info : schemes) {
      out += " " + info.example;
    }
    out += "\n";
  }
  return out;
}

void add_doctor_command(CLI::App& root, CliConfig& cli_config) {
  auto* command = root.add_subcommand("doctor", "Check engines, models, folders and the port; print how to fix gaps");
  cli_config.add_server_flags(*command);
  cli_config.add_engine_flags(*command);
  cli_config.add_path_flags(*command);
  command->callback([&cli_config] {
    const config::Config config = cli_config.load();
    const EngineSetup engines(config);
    std::cout << "LocalVoice " << kVersion << "\n\nEngines available in this build:\n"
              << engine_list(config, engines) << "\nChecks:\n";
    bool failed = false;
    for (const auto& result : run_checks(config, engines)) {
      std::cout << "  [" << level_label(result.level) << "] " << result.area << "." << result.name << ": "
                << result.detail << "\n";
      if (!result.fix.empty()) {
        std::cout << "         fix: " << result.fix << "\n";
      }
      failed = failed || result.level == CheckLevel::fail;
    }
    std::cout << "\n" << (failed ? "Some checks failed; see the fixes above." : "All required checks passed.") << "\n";
    if (failed) {
      throw CLI::RuntimeError(1);
    }
  });
}

}  // namespace lv::app
