#include "app/web_root.h"

#include <system_error>

namespace lv::app {

std::filesystem::path resolve_web_root(const std::string& configured) {
  if (!configured.empty()) {
    return configured;
  }
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) {
    return {};
  }
  const auto top = exe.parent_path().parent_path();
  for (const char* candidate : {"web/dist", "web/static"}) {
    if (std::filesystem::is_regular_file(top / candidate / "index.html", ec)) {
      return top / candidate;
    }
  }
  return {};
}

}  // namespace lv::app
