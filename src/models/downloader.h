// Downloads one file over HTTP into FILE.part: resumes with Range, hashes while streaming, retries broken transfers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "models/file_hash.h"

namespace lv::models {

struct DownloadRequest {
  std::string label;  // what is downloaded, for messages ("whisper:base.en")
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Authorization (never logged)
  bool huggingface = false;                                  // 401/403 messages then explain HF_TOKEN and gated models
  std::filesystem::path part_path;                           // the partial file; its state lives in part_path + ".json"
  std::uint64_t expected_size_bytes = 0;                     // for the disk space check and progress; 0 when unknown
  bool with_sha1 = false;

  int connect_timeout_ms = 10000;
  int first_byte_timeout_ms = 15000;
  int idle_timeout_ms = 30000;
  int max_attempts = 4;  // broken transfers that made progress are resumed up to this many times in all

  // Bytes of the whole file present so far and the total (0 when unknown).
  std::function<void(std::uint64_t have_bytes, std::uint64_t total_bytes)> on_progress;
  std::function<bool()> cancelled;
};

struct DownloadResult {
  FileHashes hashes;                    // over the whole file, including bytes kept from earlier attempts
  std::uint64_t bytes_transferred = 0;  // body bytes received over the network by this call
  int requests = 0;
  bool resumed = false;  // at least one request continued a partial file
};

// Leaves the complete file at request.part_path (the caller verifies the hash and renames it). Throws
// lv::net::HttpError for transport failures (after retries), lv::Error for HTTP errors, a full disk
// (the partial file is then deleted) or cancellation (the partial file is kept for a later resume).
DownloadResult download_file(const DownloadRequest& request);

// Deletes a partial file and its state.
void discard_partial(const std::filesystem::path& part_path);

// Free bytes for an unprivileged user on the file system holding `directory`.
std::uint64_t free_disk_bytes(const std::filesystem::path& directory);

}  // namespace lv::models
