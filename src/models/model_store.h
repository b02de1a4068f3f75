// The model store: which catalog models are installed where, and pulling, removing and verifying them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "models/catalog.h"

namespace lv::models {

struct StoreOptions {
  std::filesystem::path models_dir;  // normally $XDG_CACHE_HOME/localvoice/models (config paths.models_dir)
  // The environment: HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE, HF_HUB_CACHE, HF_HOME, XDG_CACHE_HOME, HOME,
  // NPM_CONFIG_REGISTRY. Passed in rather than read here so tests control it.
  std::map<std::string, std::string> env;
  int connect_timeout_ms = 10000;
  int first_byte_timeout_ms = 15000;
  int idle_timeout_ms = 30000;
};

// Progress of one file of a pull; rate and ETA are averaged over this pull.
struct PullProgress {
  std::string model;
  std::string file;
  std::uint64_t have_bytes = 0;
  std::uint64_t total_bytes = 0;  // 0 when unknown
  double bytes_per_s = 0;
  double eta_s = -1;  // -1 when unknown
  bool done = false;
};
using PullProgressFn = std::function<void(const PullProgress&)>;

enum class Location { missing, models_dir, hf_cache };
std::string_view location_name(Location location);

struct ModelStatus {
  const CatalogModel* model = nullptr;
  bool installed = false;  // every file is present
  Location location = Location::missing;
  std::filesystem::path path;  // the first file: where it is, or where `pull` puts it
  std::vector<std::filesystem::path> file_paths;
  std::uint64_t size_on_disk_bytes = 0;
};

struct PullResult {
  std::string model;
  bool downloaded = false;  // false: it was already there (or another process fetched it meanwhile)
  std::uint64_t bytes_transferred = 0;
  int requests = 0;
  bool resumed = false;
  std::vector<std::string> warnings;  // e.g. the hash recorded on first use
};

struct VerifyResult {
  std::string model;
  std::filesystem::path file;
  bool ok = false;
  std::string detail;  // "sha256 matches the catalog", "MISMATCH: expected ... got ...", ...
};

class ModelStore {
 public:
  ModelStore(Catalog catalog, StoreOptions options);

  const Catalog& catalog() const { return catalog_; }
  const StoreOptions& options() const { return options_; }

  ModelStatus status(std::string_view name) const;
  std::vector<ModelStatus> list() const;
  // Where `pull` puts the model's first file (what `localvoice models path` prints).
  std::filesystem::path install_path(std::string_view name) const;

  // Engine factories call this: an installed catalog model → its first file; an existing file path → itself.
  // Otherwise throws lv::Error: "whisper:base.en is not installed: run `localvoice models pull whisper:base.en`".
  std::filesystem::path resolve(std::string_view name_or_path) const;

  // Downloads what is missing of one model (no-op when installed). Safe against concurrent pulls of the same
  // model by other threads or processes: one downloads, the others wait and then find it installed.
  PullResult pull(std::string_view name, const PullProgressFn& progress = {},
                  const std::function<bool()>& cancelled = {});
  // Models of a profile that are not installed (for `serve --pull`).
  std::vector<std::string> missing(std::string_view profile) const;
  std::vector<PullResult> pull_missing(std::string_view profile, const PullProgressFn& progress = {},
                                       const std::function<bool()>& cancelled = {});

  // Deletes a model's files from the models directory (never from the Hugging Face cache). False when
  // nothing was there.
  bool remove(std::string_view name);
  // Re-hashes installed files against the catalog (or the hash recorded on first use). Empty `names`: all.
  std::vector<VerifyResult> verify(const std::vector<std::string>& names = {}) const;

  // HF_HUB_OFFLINE=1 (or true/yes/on): nothing may be downloaded.
  bool offline() const;

  // URL a file is downloaded from (exposed for messages and tests).
  std::string download_url(const ModelFile& file) const;

 private:
  std::filesystem::path model_dir(const CatalogModel& model) const;
  std::filesystem::path hf_cache_file(const ModelFile& file) const;
  std::filesystem::path existing_file(const CatalogModel& model, const ModelFile& file, Location& where) const;
  void pull_file(const CatalogModel& model, const ModelFile& file, PullResult& result, const PullProgressFn& progress,
                 const std::function<bool()>& cancelled);

  Catalog catalog_;
  StoreOptions options_;
};

}  // namespace lv::models
