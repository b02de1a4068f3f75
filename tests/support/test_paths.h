// Paths tests need: the source tree (fixtures), the build tree, the program, and a fresh temp dir.
#pragma once

#include <filesystem>
#include <string>

namespace lv::test {

std::filesystem::path source_dir();
std::filesystem::path binary_dir();
// build/localvoice; tests that run the program skip themselves when it was not built.
std::filesystem::path program_path();

// A new empty directory under the system temp dir, removed when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace lv::test
