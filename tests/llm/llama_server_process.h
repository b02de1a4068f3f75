// Runs /usr/bin/llama-server on a free 127.0.0.1 port for tests and benchmarks; killed when the object goes away.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "net/http_client.h"

namespace lv::test {

// A port that was free a moment ago (bound to port 0, then released).
inline std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("cannot find a free port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

class LlamaServerProcess {
 public:
  LlamaServerProcess(std::filesystem::path model, std::filesystem::path log_file,
                     std::vector<std::string> extra_args = {}, std::uint16_t port = 0)
      : model_(std::move(model)),
        log_file_(std::move(log_file)),
        extra_args_(std::move(extra_args)),
        port_(port != 0 ? port : free_port()) {}
  ~LlamaServerProcess() { kill(); }
  LlamaServerProcess(const LlamaServerProcess&) = delete;
  LlamaServerProcess& operator=(const LlamaServerProcess&) = delete;

  // Starts the server and waits until /health answers 200.
  void start(int ready_timeout_ms = 20000) {
    std::vector<std::string> args = {"/usr/bin/llama-server",
                                     "-m",
                                     model_.string(),
                                     "--host",
                                     "127.0.0.1",
                                     "--port",
                                     std::to_string(port_),
                                     "-t",
                                     "1",
                                     "-np",
                                     "1",
                                     "--no-webui"};
    args.insert(args.end(), extra_args_.begin(), extra_args_.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      const int log = ::open(log_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (log >= 0) {
        ::dup2(log, 1);
        ::dup2(log, 2);
      }
      std::vector<char*> argv;
      for (auto& arg : args) {
        argv.push_back(arg.data());
      }
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ready_timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      try {
        net::HttpClientRequest request;
        request.url = url() + "/health";
        request.connect_timeout_ms = 200;
        request.total_timeout_ms = 1000;
        if (net::http_request(request).status == 200) {
          return;
        }
      } catch (const std::exception&) {
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("llama-server exited during start-up; see " + log_file_.string());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("llama-server did not become ready; see " + log_file_.string());
  }

  void kill() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }

  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  std::filesystem::path model_;
  std::filesystem::path log_file_;
  std::vector<std::string> extra_args_;
  std::uint16_t port_;
  pid_t pid_ = -1;
};

}  // namespace lv::test
