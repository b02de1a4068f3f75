#include "models/downloader.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "net/http_client.h"
#include "util/error.h"
#include "util/log.h"
#include "util/unique_fd.h"

namespace lv::models {
namespace {

constexpr std::size_t kMaxErrorBodyBytes = 2048;
constexpr int kRetryPauseMs = 100;

std::filesystem::path state_path(const std::filesystem::path& part_path) {
  return std::filesystem::path(part_path.string() + ".json");
}

std::string read_state_url(const std::filesystem::path& part_path) {
  std::ifstream in(state_path(part_path));
  if (!in) {
    return {};
  }
  try {
    const auto state = nlohmann::json::parse(in);
    return state.value("url", std::string());
  } catch (const nlohmann::json::exception&) {
    return {};  // a damaged state file only costs a fresh download
  }
}

void write_state(const std::filesystem::path& part_path, const std::string& url) {
  std::ofstream out(state_path(part_path), std::ios::trunc);
  out << nlohmann::json{{"url", url}}.dump() << "\n";
  if (!out) {
    throw Error("cannot write " + state_path(part_path).string(), "check free space and permissions of that directory");
  }
}

std::string megabytes(std::uint64_t bytes) {
  std::ostringstream out;
  out.precision(1);
  out << std::fixed << static_cast<double>(bytes) / 1e6 << " MB";
  return out.str();
}

[[noreturn]] void throw_disk_full(const DownloadRequest& request, int error_number) {
  discard_partial(request.part_path);
  const auto directory = request.part_path.parent_path();
  throw Error("cannot store " + request.label + ": the disk is full (" + std::strerror(error_number) + " writing in " +
                  directory.string() + "); the partial file was deleted",
              "free at least " + megabytes(request.expected_size_bytes) +
                  " there, or point LocalVoice's models directory (paths.models_dir) at a larger disk");
}

void check_free_space(const DownloadRequest& request, std::uint64_t have_bytes) {
  if (request.expected_size_bytes <= have_bytes) {
    return;
  }
  const std::uint64_t needed = request.expected_size_bytes - have_bytes;
  const std::uint64_t available = free_disk_bytes(request.part_path.parent_path());
  if (available < needed) {
    throw Error("not enough disk space for " + request.label + ": it needs " + megabytes(needed) + ", " +
                    request.part_path.parent_path().string() + " has " + megabytes(available) + " free",
                "free some space, or point LocalVoice's models directory (paths.models_dir) at a larger disk");
  }
}

[[noreturn]] void throw_status(const DownloadRequest& request, int status, const std::string& body) {
  const std::string code = "HTTP " + std::to_string(status);
  if (status == 401 || status == 403) {
    if (request.huggingface) {
      throw Error("access to " + request.url + " was refused (" + code + ")",
                  "set HF_TOKEN to a Hugging Face access token (https://huggingface.co/settings/tokens), and accept "
                  "the model's license on its Hugging Face page if it is gated");
    }
    throw Error("access to " + request.url + " was refused (" + code + ")", "check that the URL is public");
  }
  if (status == 404) {
    throw Error("not found (" + code + "): " + request.url,
                "the catalog entry for " + request.label +
                    " may be outdated (repository, revision or path); check that URL in a browser");
  }
  std::string detail = body.substr(0, 200);
  throw Error("cannot download " + request.label + ": the server answered " + code + " for " + request.url +
                  (detail.empty() ? "" : " (" + detail + ")"),
              status >= 500 ? "the server has a problem; retry later" : "check the URL and retry");
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

// Total size announced by "Content-Range: bytes a-b/TOTAL" or "bytes */TOTAL"; 0 when absent.
std::uint64_t content_range_total(const std::vector<std::pair<std::string, std::string>>& headers) {
  for (const auto& [name, value] : headers) {
    if (name == "content-range") {
      const auto slash = value.rfind('/');
      if (slash != std::string::npos && slash + 1 < value.size() && value[slash + 1] != '*') {
        return std::stoull(value.substr(slash + 1));
      }
    }
  }
  return 0;
}

}  // namespace

void discard_partial(const std::filesystem::path& part_path) {
  std::error_code ignored;
  std::filesystem::remove(part_path, ignored);
  std::filesystem::remove(state_path(part_path), ignored);
}

std::uint64_t free_disk_bytes(const std::filesystem::path& directory) {
  struct statvfs info {};
  if (::statvfs(directory.c_str(), &info) != 0) {
    throw Error("cannot check free space in " + directory.string() + ": " + std::strerror(errno),
                "check that the directory exists and is readable");
  }
  return static_cast<std::uint64_t>(info.f_bavail) * static_cast<std::uint64_t>(info.f_frsize);
}

DownloadResult download_file(const DownloadRequest& request) {
  DownloadResult result;
  Hasher hasher(request.with_sha1);
  std::uint64_t have = 0;
  std::error_code ignored;
  if (std::filesystem::exists(request.part_path) && read_state_url(request.part_path) == request.url) {
    hash_file_into(request.part_path, hasher);  // the final hash must cover the bytes kept from before
    have = std::filesystem::file_size(request.part_path);
    if (have > 0) {
      log::info("resuming download", {{"model", request.label}, {"have_bytes", have}});
    }
  } else {
    discard_partial(request.part_path);
    write_state(request.part_path, request.url);
  }
  check_free_space(request, have);

  std::uint64_t total = request.expected_size_bytes;
  for (int attempt = 1;; ++attempt) {
    const util::UniqueFd out(::open(request.part_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    if (out.get() < 0) {
      const int error_number = errno;
      if (error_number == ENOSPC || error_number == EDQUOT) {
        throw_disk_full(request, error_number);
      }
      throw Error("cannot write " + request.part_path.string() + ": " + std::strerror(error_number),
                  "check the permissions of the models directory");
    }
    int status = 0;
    bool writing = false;
    int write_errno = 0;
    std::string error_body;

    net::HttpClientRequest http;
    http.url = request.url;
    http.headers = request.headers;
    http.connect_timeout_ms = request.connect_timeout_ms;
    http.first_byte_timeout_ms = request.first_byte_timeout_ms;
    http.idle_timeout_ms = request.idle_timeout_ms;
    if (have > 0) {
      http.range_start = have;
    }
    http.cancelled = request.cancelled;
    http.on_headers = [&](int code, const std::vector<std::pair<std::string, std::string>>& headers) {
      status = code;
      if (code == 200 && have > 0) {
        // The server ignored the Range request: start over rather than append a second copy.
        if (::ftruncate(out.get(), 0) != 0) {
          write_errno = errno;
        }
        hasher = Hasher(request.with_sha1);
        have = 0;
      }
      if (code == 206) {
        result.resumed = true;
      }
      writing = code == 200 || code == 206;
      if (const std::uint64_t announced = content_range_total(headers); announced > 0) {
        total = announced;
      } else if (code == 200) {
        for (const auto& [name, value] : headers) {
          if (name == "content-length") {
            total = std::stoull(value);
          }
        }
      }
    };
    http.on_body = [&](std::string_view chunk) {
      if (!writing) {
        error_body.append(chunk.substr(0, kMaxErrorBodyBytes - std::min(error_body.size(), kMaxErrorBodyBytes)));
        return true;
      }
      if (write_errno != 0 || !write_all(out.get(), chunk)) {
        write_errno = write_errno != 0 ? write_errno : errno;
        return false;
      }
      hasher.update(chunk);
      have += chunk.size();
      result.bytes_transferred += chunk.size();
      if (request.on_progress) {
        request.on_progress(have, total);
      }
      return true;
    };

    ++result.requests;
    net::HttpClientResponse response;
    try {
      response = net::http_request(http);
    } catch (const net::HttpError& error) {
      const bool resumable =
          (error.failure() == net::HttpFailure::broken || error.failure() == net::HttpFailure::timeout) &&
          error.body_bytes_received() > 0 && write_errno == 0;
      if (resumable && attempt < request.max_attempts) {
        log::warn("download interrupted; resuming", {{"model", request.label},
                                                     {"have_bytes", have},
                                                     {"attempt", attempt},
                                                     {"error", std::string(error.what())}});
        std::this_thread::sleep_for(std::chrono::milliseconds(kRetryPauseMs));
        continue;
      }
      if (write_errno != 0) {
        throw_disk_full(request, write_errno);
      }
      throw;
    }
    if (write_errno != 0) {
      throw_disk_full(request, write_errno);
    }
    if (response.cancelled) {
      throw Error("download of " + request.label + " was cancelled (" + std::to_string(have) + " bytes kept)",
                  "run the same pull again to resume it");
    }
    if (status == 416 && have > 0) {
      const std::uint64_t announced = content_range_total(response.headers);
      if (announced == have || (announced == 0 && have == request.expected_size_bytes)) {
        break;  // the partial file was already complete
      }
      if (::ftruncate(out.get(), 0) != 0) {
        throw_disk_full(request, errno);
      }
      hasher = Hasher(request.with_sha1);
      have = 0;
      if (attempt < request.max_attempts) {
        continue;
      }
    }
    if (status == 200 || status == 206) {
      if (::fsync(out.get()) != 0) {
        throw_disk_full(request, errno);
      }
      break;
    }
    if (have == 0) {
      discard_partial(request.part_path);
    }
    throw_status(request, status, error_body);
  }
  result.hashes = hasher.finish();
  return result;
}

}  // namespace lv::models
