#include "serve_process.h"

#include <signal.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "server/test_client.h"

namespace lv::bench {

namespace {

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

std::string tail_of(const std::filesystem::path& path, std::size_t max_chars = 4000) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string all = text.str();
  return all.size() > max_chars ? all.substr(all.size() - max_chars) : all;
}

// The port from the server's JSON "listening" line, 0 while it has not logged it.
std::uint16_t listening_port(const std::filesystem::path& log) {
  std::ifstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.find("\"msg\":\"listening\"") == std::string::npos) {
      continue;
    }
    const auto entry = nlohmann::json::parse(line, nullptr, false);
    if (entry.is_object() && entry.contains("port")) {
      return entry["port"].get<std::uint16_t>();
    }
  }
  return 0;
}

}  // namespace

ServeProcess::ServeProcess(const std::filesystem::path& program, const std::filesystem::path& home,
                           const std::vector<std::string>& engine_args, int max_reply_tokens)
    : log_path_(home / "serve.log") {
  std::filesystem::create_directories(home);
  // The log goes to a file: a pipe nobody reads would fill and stall the server's logging mid-run.
  std::string command = "exec " + shell_quote(program.string()) + " serve --offline --port 0 --data-dir " +
                        shell_quote((home / "data").string());
  for (const auto& arg : engine_args) {
    command += " " + shell_quote(arg);
  }
  command += " >" + shell_quote((home / "serve.out").string()) + " 2>" + shell_quote(log_path_.string());
  process_ = std::make_unique<test::Subprocess>(
      std::vector<std::string>{"/bin/sh", "-c", command},
      std::map<std::string, std::string>{{"HOME", home.string()},
                                         {"HF_HUB_OFFLINE", "1"},
                                         {"XDG_CONFIG_HOME", (home / "config").string()},
                                         {"XDG_DATA_HOME", (home / "data").string()},
                                         {"XDG_CACHE_HOME", (home / "cache").string()},
                                         {"LOCALVOICE_LOG_FORMAT", "json"},
                                         {"LOCALVOICE_SESSION_MAX_REPLY_TOKENS", std::to_string(max_reply_tokens)}});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (port_ == 0) {
      port_ = listening_port(log_path_);
    }
    if (port_ != 0) {
      try {
        if (test::http_get(port_, "/ready").status == 200) {
          return;
        }
      } catch (const std::exception&) {
        // not accepting yet
      }
    }
    if (process_->wait(std::chrono::milliseconds(0))) {
      break;  // exited
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("localvoice serve did not become ready; its log ends with:\n" + tail_of(log_path_));
}

ServeProcess::~ServeProcess() {
  process_->signal(SIGTERM);
  if (!process_->wait(std::chrono::seconds(10))) {
    process_->signal(SIGKILL);
    (void)process_->wait(std::chrono::seconds(5));
  }
}

double ServeProcess::cpu_seconds() const {
  std::ifstream in("/proc/" + std::to_string(process_->pid()) + "/stat");
  std::string stat;
  std::getline(in, stat);
  const auto after_name = stat.rfind(')');
  if (after_name == std::string::npos) {
    return 0;
  }
  std::istringstream fields(stat.substr(after_name + 2));
  std::string field;
  // Fields after the name start at 3 (state); utime and stime are fields 14 and 15.
  double ticks = 0;
  for (int index = 3; index <= 15 && fields >> field; ++index) {
    if (index >= 14) {
      ticks += std::stod(field);
    }
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace lv::bench
