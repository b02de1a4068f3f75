#include "models/model_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <thread>

#include "models/downloader.h"
#include "models/file_hash.h"
#include "models/tarball.h"
#include "net/http_client.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"
#include "util/text.h"
#include "util/unique_fd.h"

namespace lv::models {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kLockPollMs = 50;
constexpr int kProgressIntervalMs = 100;

std::string env_value(const std::map<std::string, std::string>& env, const std::string& key) {
  const auto found = env.find(key);
  return found == env.end() ? std::string() : found->second;
}

std::filesystem::path with_suffix(const std::filesystem::path& path, std::string_view suffix) {
  return std::filesystem::path(path.string() + std::string(suffix));
}

std::string encode_path(std::string_view path) {
  std::string out;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    out += net::url_encode(path.substr(start, end - start));
    if (slash == std::string_view::npos) {
      break;
    }
    out += '/';
    start = slash + 1;
  }
  return out;
}

bool is_commit_hash(const std::string& revision) {
  return revision.size() == 40 && std::all_of(revision.begin(), revision.end(),
                                              [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

// Holds flock() on a lock file so that only one process downloads a given file at a time.
class FileLock {
 public:
  FileLock(const std::filesystem::path& path, const std::string& label, const std::function<bool()>& cancelled)
      : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
    if (!fd_.valid()) {
      throw Error("cannot create the lock file " + path.string() + ": " + std::strerror(errno),
                  "check the permissions of the models directory");
    }
    bool announced = false;
    while (::flock(fd_.get(), LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK && errno != EINTR) {
        const std::string cause = std::strerror(errno);
        throw Error("cannot lock " + path.string() + ": " + cause, "check the file system supports flock()");
      }
      if (!announced) {
        log::info("waiting for another download of the same model", {{"model", label}});
        announced = true;
      }
      if (cancelled && cancelled()) {
        throw Error("pull of " + label + " was cancelled while another download of it was running",
                    "the other download continues; run the pull again later");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(kLockPollMs));
    }
  }
  ~FileLock() { ::flock(fd_.get(), LOCK_UN); }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  util::UniqueFd fd_;
};

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

std::string read_recorded_hash(const std::filesystem::path& file) {
  std::ifstream in(with_suffix(file, ".sha256"));
  std::string hash;
  in >> hash;
  return hash;
}

// Records the hash of a file whose catalog entry has none, in `sha256sum -c` format (trust on first use).
void record_hash(const std::filesystem::path& file, const std::string& sha256) {
  std::ofstream out(with_suffix(file, ".sha256"), std::ios::trunc);
  out << sha256 << "  " << file.filename().string() << "\n";
}

// Progress for one file: throttled, with the rate averaged since the file's download started.
class ProgressReporter {
 public:
  ProgressReporter(const PullProgressFn& sink, std::string model, std::string file)
      : sink_(sink), started_at_(Clock::now()) {
    progress_.model = std::move(model);
    progress_.file = std::move(file);
  }

  void update(std::uint64_t have, std::uint64_t total, bool done = false) {
    if (!sink_) {
      return;
    }
    if (!baseline_bytes_) {
      baseline_bytes_ = have;  // bytes kept from an earlier attempt do not count towards the rate
      started_at_ = Clock::now();
    }
    const std::uint64_t transferred = have - std::min(have, *baseline_bytes_);
    const auto now = Clock::now();
    if (!done && now - last_sent_at_ < std::chrono::milliseconds(kProgressIntervalMs)) {
      return;
    }
    last_sent_at_ = now;
    const double elapsed_s = util::ms_between(started_at_, now) / 1000.0;
    progress_.have_bytes = have;
    progress_.total_bytes = total;
    progress_.bytes_per_s = elapsed_s > 0 ? static_cast<double>(transferred) / elapsed_s : 0;
    progress_.eta_s = (total > have && progress_.bytes_per_s > 0)
                          ? static_cast<double>(total - have) / progress_.bytes_per_s
                          : (total > 0 && have >= total ? 0 : -1);
    progress_.done = done;
    sink_(progress_);
  }

 private:
  const PullProgressFn& sink_;
  PullProgress progress_;
  Clock::time_point started_at_;
  Clock::time_point last_sent_at_{};
  std::optional<std::uint64_t> baseline_bytes_;
};

}  // namespace

std::string_view location_name(Location location) {
  switch (location) {
    case Location::missing:
      return "missing";
    case Location::models_dir:
      return "models_dir";
    case Location::hf_cache:
      return "hf_cache";
  }
  return "missing";
}

ModelStore::ModelStore(Catalog catalog, StoreOptions options)
    : catalog_(std::move(catalog)), options_(std::move(options)) {
  if (options_.models_dir.empty()) {
    throw Error("no models directory configured", "set paths.models_dir (LOCALVOICE_PATHS_MODELS_DIR)");
  }
}

std::filesystem::path ModelStore::model_dir(const CatalogModel& model) const {
  const auto colon = model.name.find(':');
  return options_.models_dir / model.name.substr(0, colon) / model.name.substr(colon + 1);
}

std::filesystem::path ModelStore::install_path(std::string_view name) const {
  const CatalogModel& model = catalog_.get(name);
  return model_dir(model) / model.files.front().name;
}

std::filesystem::path ModelStore::hf_cache_file(const ModelFile& file) const {
  if (file.source.kind != FileSource::Kind::huggingface) {
    return {};
  }
  std::filesystem::path root;
  if (const auto hub = env_value(options_.env, "HF_HUB_CACHE"); !hub.empty()) {
    root = hub;
  } else if (const auto home = env_value(options_.env, "HF_HOME"); !home.empty()) {
    root = std::filesystem::path(home) / "hub";
  } else if (const auto cache = env_value(options_.env, "XDG_CACHE_HOME"); !cache.empty()) {
    root = std::filesystem::path(cache) / "huggingface" / "hub";
  } else if (const auto user_home = env_value(options_.env, "HOME"); !user_home.empty()) {
    root = std::filesystem::path(user_home) / ".cache" / "huggingface" / "hub";
  } else {
    return {};
  }
  std::string repo_dir = "models--" + file.source.repo;
  for (auto at = repo_dir.find('/'); at != std::string::npos; at = repo_dir.find('/')) {
    repo_dir.replace(at, 1, "--");
  }
  const auto snapshots = root / repo_dir / "snapshots";
  std::error_code error;
  if (!std::filesystem::is_directory(snapshots, error)) {
    return {};
  }
  std::string commit = is_commit_hash(file.source.revision) ? file.source.revision : std::string();
  if (commit.empty()) {
    std::ifstream ref(root / repo_dir / "refs" / file.source.revision);
    ref >> commit;
  }
  if (!commit.empty() && std::filesystem::exists(snapshots / commit / file.source.path, error)) {
    return snapshots / commit / file.source.path;
  }
  if (is_commit_hash(file.source.revision)) {
    return {};  // a pinned revision must match exactly
  }
  for (const auto& snapshot : std::filesystem::directory_iterator(snapshots, error)) {
    if (std::filesystem::exists(snapshot.path() / file.source.path, error)) {
      return snapshot.path() / file.source.path;
    }
  }
  return {};
}

std::filesystem::path ModelStore::existing_file(const CatalogModel& model, const ModelFile& file,
                                                Location& where) const {
  std::error_code error;
  auto local = model_dir(model) / file.name;
  if (std::filesystem::is_regular_file(local, error)) {
    where = Location::models_dir;
    return local;
  }
  if (auto cached = hf_cache_file(file); !cached.empty()) {
    where = Location::hf_cache;
    return cached;
  }
  where = Location::missing;
  return {};
}

ModelStatus ModelStore::status(std::string_view name) const {
  const CatalogModel& model = catalog_.get(name);
  ModelStatus status;
  status.model = &model;
  status.installed = true;
  for (std::size_t i = 0; i < model.files.size(); ++i) {
    Location where = Location::missing;
    auto path = existing_file(model, model.files[i], where);
    if (path.empty()) {
      status.installed = false;
      path = model_dir(model) / model.files[i].name;
    } else {
      std::error_code error;
      status.size_on_disk_bytes += std::filesystem::file_size(path, error);
    }
    if (i == 0) {
      status.location = where;
      status.path = path;
    } else if (where == Location::models_dir && status.location == Location::hf_cache) {
      status.location = Location::models_dir;
    }
    status.file_paths.push_back(path);
  }
  if (!status.installed) {
    status.location = Location::missing;
  }
  return status;
}

std::vector<ModelStatus> ModelStore::list() const {
  std::vector<ModelStatus> out;
  for (const auto& model : catalog_.models) {
    out.push_back(status(model.name));
  }
  return out;
}

std::filesystem::path ModelStore::resolve(std::string_view name_or_path) const {
  if (const CatalogModel* model = catalog_.find(name_or_path)) {
    const ModelStatus found = status(model->name);
    if (found.installed) {
      return found.path;
    }
    throw Error(model->name + " is not installed: run `localvoice models pull " + model->name + "`",
                "or, without network, copy the file to " + install_path(model->name).string());
  }
  std::error_code error;
  std::filesystem::path path(name_or_path);
  if (std::filesystem::is_regular_file(path, error)) {
    return path;
  }
  if (name_or_path.find('/') != std::string_view::npos || path.has_extension()) {
    throw Error("model file " + path.string() + " does not exist",
                "check the path, or use a catalog name (`localvoice models list`)");
  }
  catalog_.get(name_or_path);  // throws "unknown model ..., use one of: ..."
  return {};
}

bool ModelStore::offline() const {
  const std::string value = util::ascii_lower(env_value(options_.env, "HF_HUB_OFFLINE"));
  return value == "1" || value == "true" || value == "yes" || value == "on";
}

std::string ModelStore::download_url(const ModelFile& file) const {
  if (file.source.kind == FileSource::Kind::npm) {
    std::string registry = env_value(options_.env, "NPM_CONFIG_REGISTRY");
    if (registry.empty()) {
      registry = env_value(options_.env, "npm_config_registry");
    }
    if (registry.empty()) {
      registry = "https://registry.npmjs.org";
    }
    while (registry.ends_with('/')) {
      registry.pop_back();
    }
    const auto slash = file.source.repo.rfind('/');
    const std::string base = slash == std::string::npos ? file.source.repo : file.source.repo.substr(slash + 1);
    return registry + "/" + file.source.repo + "/-/" + base + "-" + file.source.revision + ".tgz";
  }
  std::string endpoint = env_value(options_.env, "HF_ENDPOINT");
  if (endpoint.empty()) {
    endpoint = "https://huggingface.co";
  }
  while (endpoint.ends_with('/')) {
    endpoint.pop_back();
  }
  return endpoint + "/" + file.source.repo + "/resolve/" + net::url_encode(file.source.revision) + "/" +
         encode_path(file.source.path);
}

void ModelStore::pull_file(const CatalogModel& model, const ModelFile& file, PullResult& result,
                           const PullProgressFn& progress, const std::function<bool()>& cancelled) {
  Location where = Location::missing;
  if (!existing_file(model, file, where).empty()) {
    return;
  }
  const auto directory = model_dir(model);
  std::filesystem::create_directories(directory);
  const auto destination = directory / file.name;
  const FileLock lock(with_suffix(destination, ".lock"), model.name, cancelled);
  if (std::filesystem::exists(destination)) {
    return;  // another process finished it while we waited for the lock
  }
  const std::string copy_fix = "copy the file by hand: cp " + file.name + " " + destination.string() +
                               " (`localvoice models path " + model.name + "` prints where it goes)";
  if (offline()) {
    throw Error(model.name + " is not installed and HF_HUB_OFFLINE=1 forbids downloading it",
                "unset HF_HUB_OFFLINE to download it, or " + copy_fix);
  }

  const bool from_npm = file.source.kind == FileSource::Kind::npm;
  const bool want_sha1 = file.sha1.has_value() && !file.sha256.has_value();
  const std::string url = download_url(file);
  DownloadRequest request;
  request.label = model.files.size() > 1 ? model.name + " (" + file.name + ")" : model.name;
  request.url = url;
  request.huggingface = !from_npm;
  request.with_sha1 = want_sha1 && !from_npm;
  request.connect_timeout_ms = options_.connect_timeout_ms;
  request.first_byte_timeout_ms = options_.first_byte_timeout_ms;
  request.idle_timeout_ms = options_.idle_timeout_ms;
  request.cancelled = cancelled;
  if (!from_npm) {
    request.expected_size_bytes = file.size_bytes;
    request.part_path = with_suffix(destination, ".part");
    if (const auto token = env_value(options_.env, "HF_TOKEN"); !token.empty()) {
      request.headers.emplace_back("Authorization", "Bearer " + token);
    }
  } else {
    request.part_path = directory / (url.substr(url.rfind('/') + 1) + ".part");
  }
  ProgressReporter reporter(progress, model.name, file.name);
  request.on_progress = [&](std::uint64_t have, std::uint64_t total) { reporter.update(have, total); };

  DownloadResult downloaded;
  try {
    downloaded = download_file(request);
  } catch (const net::HttpError& error) {
    if (error.failure() == net::HttpFailure::connect || error.failure() == net::HttpFailure::resolve) {
      throw Error("cannot download " + model.name + ": the machine appears to be offline (" + error.what() + ")",
                  "connect to the network and retry, or " + copy_fix);
    }
    throw Error(
        "cannot download " + model.name + ": " + error.what() + " (the partial file is kept; a new pull resumes it)",
        error.fix());
  }
  result.bytes_transferred += downloaded.bytes_transferred;
  result.requests += downloaded.requests;
  result.resumed = result.resumed || downloaded.resumed;
  FileHashes hashes = downloaded.hashes;
  const auto part = with_suffix(destination, ".part");

  if (from_npm) {
    // The model is one member of the package tarball: extract it, hashing as it is written.
    Hasher hasher(want_sha1);
    {
      const std::unique_ptr<std::FILE, FileCloser> out(std::fopen(part.c_str(), "wb"));
      if (!out) {
        throw Error("cannot write " + part.string() + ": " + std::strerror(errno),
                    "check the permissions of the models directory");
      }
      extract_tgz_member(request.part_path, "package/" + file.source.path, [&](std::string_view piece) {
        if (std::fwrite(piece.data(), 1, piece.size(), out.get()) != piece.size()) {
          const std::string cause = std::strerror(errno);
          throw Error("cannot write " + part.string() + ": " + cause, "free some disk space and retry");
        }
        hasher.update(piece);
      });
      if (std::fflush(out.get()) != 0) {
        const std::string cause = std::strerror(errno);
        std::filesystem::remove(part);
        throw Error("cannot write " + part.string() + ": " + cause, "free some disk space and retry");
      }
    }
    discard_partial(request.part_path);
    hashes = hasher.finish();
  }

  const auto mismatch = [&](const char* kind, const std::string& expected, const std::string& got) {
    discard_partial(part);
    return Error("checksum mismatch for " + model.name + " (" + file.name + "): expected " + kind + " " + expected +
                     ", got " + got + "; the downloaded file was deleted",
                 "retry `localvoice models pull " + model.name +
                     "`; if it fails again the file on the server differs from the catalog (update LocalVoice)");
  };
  if (file.sha256 && hashes.sha256 != *file.sha256) {
    throw mismatch("sha256", *file.sha256, hashes.sha256);
  }
  if (!file.sha256 && file.sha1 && hashes.sha1 != *file.sha1) {
    throw mismatch("sha1", *file.sha1, hashes.sha1);
  }
  if (!file.sha256) {
    record_hash(destination, hashes.sha256);
    if (!file.sha1) {
      result.warnings.push_back(model.name + " (" + file.name + ") has no published checksum; recorded sha256 " +
                                hashes.sha256 + " in " + with_suffix(destination, ".sha256").string() +
                                " on first download (trust on first use)");
    }
  }
  std::filesystem::rename(part, destination);
  discard_partial(part);  // its state file
  reporter.update(hashes.size_bytes, hashes.size_bytes, true);
  log::info("model file installed", {{"model", model.name},
                                     {"file", destination.string()},
                                     {"size_bytes", hashes.size_bytes},
                                     {"transferred_bytes", downloaded.bytes_transferred}});
}

PullResult ModelStore::pull(std::string_view name, const PullProgressFn& progress,
                            const std::function<bool()>& cancelled) {
  const CatalogModel& model = catalog_.get(name);
  PullResult result;
  result.model = model.name;
  for (const auto& file : model.files) {
    pull_file(model, file, result, progress, cancelled);
  }
  result.downloaded = result.bytes_transferred > 0;
  for (const auto& warning : result.warnings) {
    log::warn(warning, {{"model", model.name}});
  }
  return result;
}

std::vector<std::string> ModelStore::missing(std::string_view profile) const {
  std::vector<std::string> out;
  for (const auto& name : catalog_.profile(profile).models) {
    if (!status(name).installed) {
      out.push_back(name);
    }
  }
  return out;
}

std::vector<PullResult> ModelStore::pull_missing(std::string_view profile, const PullProgressFn& progress,
                                                 const std::function<bool()>& cancelled) {
  std::vector<PullResult> out;
  for (const auto& name : missing(profile)) {
    out.push_back(pull(name, progress, cancelled));
  }
  return out;
}

bool ModelStore::remove(std::string_view name) {
  const CatalogModel& model = catalog_.get(name);
  const auto directory = model_dir(model);
  bool removed = false;
  std::error_code error;
  for (const auto& file : model.files) {
    const auto path = directory / file.name;
    removed = std::filesystem::remove(path, error) || removed;
    for (const char* suffix : {".sha256", ".part", ".part.json", ".lock"}) {
      std::filesystem::remove(with_suffix(path, suffix), error);
    }
    if (file.source.kind == FileSource::Kind::npm) {
      const std::string url = download_url(file);
      discard_partial(directory / (url.substr(url.rfind('/') + 1) + ".part"));
    }
  }
  if (std::filesystem::is_empty(directory, error)) {
    std::filesystem::remove(directory, error);
    if (std::filesystem::is_empty(directory.parent_path(), error)) {
      std::filesystem::remove(directory.parent_path(), error);
    }
  }
  return removed;
}

std::vector<VerifyResult> ModelStore::verify(const std::vector<std::string>& names) const {
  std::vector<VerifyResult> out;
  std::vector<std::string> targets = names;
  if (targets.empty()) {
    for (const auto& model : catalog_.models) {
      targets.push_back(model.name);
    }
  }
  for (const auto& name : targets) {
    const CatalogModel& model = catalog_.get(name);
    for (const auto& file : model.files) {
      Location where = Location::missing;
      const auto path = existing_file(model, file, where);
      if (path.empty()) {
        if (!names.empty()) {
          out.push_back({model.name, model_dir(model) / file.name, false, "not installed"});
        }
        continue;
      }
      VerifyResult result{model.name, path, false, {}};
      const bool use_sha1 = !file.sha256 && file.sha1;
      const FileHashes hashes = hash_file(path, use_sha1);
      std::string expected = file.sha256.value_or(use_sha1 ? *file.sha1 : std::string());
      std::string source = file.sha256 ? "the catalog's sha256" : (use_sha1 ? "the catalog's sha1" : "");
      const std::string& got = use_sha1 ? hashes.sha1 : hashes.sha256;
      if (expected.empty()) {
        expected = read_recorded_hash(path);
        source = "the sha256 recorded on first download";
      }
      if (expected.empty()) {
        result.ok = true;
        result.detail = "no reference hash; sha256 is " + hashes.sha256;
      } else if (got == expected) {
        result.ok = true;
        result.detail = "matches " + source;
      } else {
        result.detail = "MISMATCH with " + source + ": expected " + expected + ", got " + got +
                        " (run `localvoice models rm " + model.name + "` and pull it again)";
      }
      out.push_back(std::move(result));
    }
  }
  return out;
}

}  // namespace lv::models
