// The model catalog: which model files LocalVoice knows, where they come from, their hashes and the profiles.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lv::models {

enum class Role { vad, stt, tts, llm, embeddings, wake };
std::string_view role_name(Role role);

// Where one file is downloaded from.
struct FileSource {
  enum class Kind { huggingface, npm };
  Kind kind = Kind::huggingface;
  std::string repo;      // huggingface: "org/name"; npm: the package, e.g. "@ricky0123/vad-web"
  std::string revision;  // huggingface: branch, tag or commit; npm: the package version
  std::string path;      // huggingface: path in the repo; npm: path inside the package ("dist/x.onnx")
};

struct ModelFile {
  std::string name;  // local file name
  FileSource source;
  std::uint64_t size_bytes = 0;       // exact when a hash is known, approximate otherwise
  std::optional<std::string> sha256;  // lower-case hex; absent: trust on first use
  std::optional<std::string> sha1;    // lower-case hex, where the publisher lists only SHA-1
};

struct CatalogModel {
  std::string name;  // "family:variant", e.g. "whisper:base.en"
  Role role = Role::stt;
  std::string description;
  std::string license;
  std::uint64_t ram_bytes = 0;
  bool verified = false;         // every file has a publisher hash (sha256 or sha1)
  std::vector<ModelFile> files;  // the first is the one engines load; others sit next to it

  std::uint64_t size_bytes() const;
};

struct Profile {
  std::string name;
  std::string description;
  std::uint64_t ram_bytes = 0;
  std::vector<std::string> models;
};

struct Catalog {
  int schema_version = 0;
  std::vector<CatalogModel> models;
  std::vector<Profile> profiles;

  const CatalogModel* find(std::string_view name) const;
  // Throws lv::Error naming the unknown model and listing the known ones.
  const CatalogModel& get(std::string_view name) const;
  const Profile& profile(std::string_view name) const;
};

// Parses and validates catalog JSON. `origin` names the source in messages. Throws lv::Error naming the
// offending field (e.g. "models[2].files[0].sha256: expected 64 hex digits").
Catalog parse_catalog(std::string_view json_text, std::string_view origin);
// The catalog compiled into the program.
std::string_view embedded_catalog_json();
Catalog embedded_catalog();
// Reads a catalog file (tests, or a user's own catalog).
Catalog load_catalog(const std::filesystem::path& path);

}  // namespace lv::models
