// Starts tests/wyoming/wyoming_engine_server.py: a Wyoming server written with python3-wyoming's own classes.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/subprocess.h"
#include "support/test_paths.h"

namespace lv::test {

class PythonWyomingServer {
 public:
  // `args` go to the script ("--mode", "tts", ...). A TCP server listens on a port of the OS's choosing.
  explicit PythonWyomingServer(std::vector<std::string> args) {
    std::vector<std::string> argv{"/usr/bin/python3",
                                  (source_dir() / "tests" / "wyoming" / "wyoming_engine_server.py").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    process_ = std::make_unique<Subprocess>(std::move(argv));
    const auto line = process_->wait_for_log_line(
        [](const std::string& l) { return l.rfind("port ", 0) == 0 || l == "listening"; }, std::chrono::seconds(30));
    if (line && line->rfind("port ", 0) == 0) {
      port_ = std::stoi(line->substr(5));
    }
    ready_ = line.has_value();
  }

  bool ready() const { return ready_; }
  int port() const { return port_; }
  std::string tcp_uri() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  std::string output() { return process_->stderr_text(); }

 private:
  std::unique_ptr<Subprocess> process_;
  int port_ = 0;
  bool ready_ = false;
};

}  // namespace lv::test
