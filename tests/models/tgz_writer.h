// Writes small .tgz archives (ustar + gzip) for tests of package-tarball model sources.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace lv::test {

// Each entry is {path inside the archive, content}.
void write_tgz(const std::filesystem::path& archive, const std::vector<std::pair<std::string, std::string>>& entries);

}  // namespace lv::test
