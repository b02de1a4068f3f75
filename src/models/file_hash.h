// Streaming SHA-256 (and SHA-1, for publishers that list only SHA-1) over model files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace lv::models {

struct FileHashes {
  std::string sha256;  // lower-case hex
  std::string sha1;    // empty unless asked for
  std::uint64_t size_bytes = 0;
};

// Feeds bytes as they arrive; finish() once. SHA-1 is computed only when asked for (it costs time).
class Hasher {
 public:
  explicit Hasher(bool with_sha1 = false);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void update(std::string_view data);
  FileHashes finish();

 private:
  struct Contexts;
  std::unique_ptr<Contexts> contexts_;
  std::uint64_t size_bytes_ = 0;
};

// Hashes a whole file from disk; throws lv::Error when it cannot be read.
FileHashes hash_file(const std::filesystem::path& path, bool with_sha1 = false);
// Continues `hasher` with the file's bytes (re-hashing a partial download before resuming it).
void hash_file_into(const std::filesystem::path& path, Hasher& hasher);

}  // namespace lv::models
