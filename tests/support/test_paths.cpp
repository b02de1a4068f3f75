#include "support/test_paths.h"

#include <unistd.h>

#include <atomic>
#include <random>
#include <system_error>

namespace lv::test {

std::filesystem::path source_dir() { return LV_SOURCE_DIR; }
std::filesystem::path binary_dir() { return LV_BINARY_DIR; }
std::filesystem::path program_path() { return binary_dir() / "localvoice"; }

TempDir::TempDir() {
  static std::atomic<unsigned> counter{0};
  std::random_device seed;
  const auto base = std::filesystem::temp_directory_path();
  for (;;) {
    path_ = base / ("lv-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + "-" +
                    std::to_string(seed() % 100000));
    if (std::filesystem::create_directory(path_)) {
      break;
    }
  }
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace lv::test
