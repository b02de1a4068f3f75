// Runs a program for a test: arguments, extra environment, captured output, signals and a bounded wait.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace lv::test {

class Subprocess {
 public:
  // Starts `argv[0]` (a path) with `argv`; `env` entries are added to (or override) this process's
  // environment. stdout and stderr are captured separately.
  Subprocess(std::vector<std::string> argv, const std::map<std::string, std::string>& env = {});
  ~Subprocess();  // kills (SIGKILL) and reaps the process if it is still running
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // Reads stderr (where the program logs) line by line until one satisfies `predicate` (returned), or the
  // timeout passes / output ends.
  std::optional<std::string> wait_for_log_line(const std::function<bool(const std::string&)>& predicate,
                                               std::chrono::milliseconds timeout);
  void signal(int signal_number);
  // Waits for the exit; returns the exit code (128+N when killed by signal N), nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // Everything written to stdout/stderr so far (after wait(), everything).
  std::string stdout_text();
  std::string stderr_text();
  pid_t pid() const { return pid_; }

 private:
  void drain(bool block_until_eof);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_;
  std::string err_;
  std::size_t err_consumed_ = 0;  // stderr already returned by wait_for_log_line
  std::optional<int> exit_code_;
  // Reads both pipes while the test does other things, so a chatty program never blocks on a full pipe.
  std::mutex mutex_;  // out_, err_ and the reads that fill them
  std::jthread pump_;
};

// Runs to completion (bounded by `timeout`) and returns {exit code, stdout, stderr}.
struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
RunResult run_program(std::vector<std::string> argv, const std::map<std::string, std::string>& env = {},
                      std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace lv::test
