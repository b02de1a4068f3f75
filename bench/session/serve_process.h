// A `localvoice serve` child process for the session benchmarks: its own home, a free port, logs in a file.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/subprocess.h"

namespace lv::bench {

class ServeProcess {
 public:
  // Starts `program serve --offline --port 0 <engine_args>` with HOME and the XDG folders under `home`, JSON
  // logs in `home`/serve.log and replies capped at `max_reply_tokens`; returns once GET /ready answers 200.
  // Throws std::runtime_error (with the log's tail) when it does not start within 60 s.
  ServeProcess(const std::filesystem::path& program, const std::filesystem::path& home,
               const std::vector<std::string>& engine_args, int max_reply_tokens);
  ~ServeProcess();  // SIGTERM, then SIGKILL after 10 s
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  std::uint16_t port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
  const std::filesystem::path& log_path() const { return log_path_; }
  // CPU time the server has used so far (user + system), from /proc.
  double cpu_seconds() const;

 private:
  std::filesystem::path log_path_;
  std::unique_ptr<test::Subprocess> process_;
  std::uint16_t port_ = 0;
};

}  // namespace lv::bench
