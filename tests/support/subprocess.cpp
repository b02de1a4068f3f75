#include "support/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace lv::test {

Subprocess::Subprocess(std::vector<std::string> argv, const std::map<std::string, std::string>& env) {
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos) {
      merged[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
  }
  for (const auto& [key, value] : env) {
    merged[key] = value;
  }
  std::vector<std::string> env_strings;
  for (const auto& [key, value] : merged) {
    env_strings.push_back(key + "=" + value);
  }
  std::vector<char*> envp;
  for (auto& s : env_strings) {
    envp.push_back(s.data());
  }
  envp.push_back(nullptr);
  std::vector<char*> args;
  for (auto& a : argv) {
    args.push_back(a.data());
  }
  args.push_back(nullptr);

  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  // The child starts with default signal handling and nothing blocked, whatever the test process set up.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  sigset_t all;
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  const int rc = posix_spawn(&pid_, args[0], &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(out_pipe[1]);
  close(err_pipe[1]);
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
  if (rc != 0) {
    close(out_fd_);
    close(err_fd_);
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  fcntl(out_fd_, F_SETFL, O_NONBLOCK);
  fcntl(err_fd_, F_SETFL, O_NONBLOCK);
  pump_ = std::jthread([this](const std::stop_token& stop) {
    while (!stop.stop_requested()) {
      {
        const std::lock_guard lock(mutex_);
        drain(false);
      }
      pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
      if (poll(fds, 2, 20) > 0 && ((fds[0].revents | fds[1].revents) & (POLLHUP | POLLERR)) != 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // closed pipes stay readable
      }
    }
  });
}

Subprocess::~Subprocess() {
  pump_.request_stop();
  if (pump_.joinable()) {
    pump_.join();
  }
  if (!exit_code_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  if (out_fd_ >= 0) {
    close(out_fd_);
  }
  if (err_fd_ >= 0) {
    close(err_fd_);
  }
}

void Subprocess::drain(bool block_until_eof) {
  char buffer[4096];
  bool out_open = out_fd_ >= 0;
  bool err_open = err_fd_ >= 0;
  for (;;) {
    bool progress = false;
    for (auto [fd, text, open] : {std::tuple{out_fd_, &out_, &out_open}, std::tuple{err_fd_, &err_, &err_open}}) {
      if (!*open) {
        continue;
      }
      const ssize_t n = read(fd, buffer, sizeof buffer);
      if (n > 0) {
        text->append(buffer, static_cast<std::size_t>(n));
        progress = true;
      } else if (n == 0) {
        *open = false;
      }
    }
    if (!block_until_eof) {
      if (!progress) {
        return;
      }
    } else if (!out_open && !err_open) {
      return;
    } else if (!progress) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
}

std::optional<std::string> Subprocess::wait_for_log_line(const std::function<bool(const std::string&)>& predicate,
                                                         std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  for (;;) {
    drain(false);
    for (;;) {
      const auto newline = err_.find('\n', err_consumed_);
      if (newline == std::string::npos) {
        break;
      }
      std::string line = err_.substr(err_consumed_, newline - err_consumed_);
      err_consumed_ = newline + 1;
      if (predicate(line)) {
        return line;
      }
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return std::nullopt;
    }
    lock.unlock();
    pollfd fds[1] = {{err_fd_, POLLIN, 0}};
    poll(fds, 1, 20);
    lock.lock();
    int status = 0;
    if (!exit_code_ && waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      drain(true);
    }
    if (exit_code_ && err_.find('\n', err_consumed_) == std::string::npos) {
      return std::nullopt;
    }
  }
}

void Subprocess::signal(int signal_number) {
  if (!exit_code_) {
    ::kill(pid_, signal_number);
  }
}

std::optional<int> Subprocess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  while (!exit_code_) {
    drain(false);
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return std::nullopt;
    }
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    lock.lock();
  }
  drain(true);
  return exit_code_;
}

std::string Subprocess::stdout_text() {
  const std::lock_guard lock(mutex_);
  drain(false);
  return out_;
}

std::string Subprocess::stderr_text() {
  const std::lock_guard lock(mutex_);
  drain(false);
  return err_;
}

RunResult run_program(std::vector<std::string> argv, const std::map<std::string, std::string>& env,
                      std::chrono::milliseconds timeout) {
  Subprocess process(std::move(argv), env);
  RunResult result;
  const auto code = process.wait(timeout);
  result.exit_code = code.value_or(-1);
  result.out = process.stdout_text();
  result.err = process.stderr_text();
  return result;
}

}  // namespace lv::test
