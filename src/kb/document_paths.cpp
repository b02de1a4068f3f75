#include "kb/document_paths.h"

#include <sys/stat.h>

#include <algorithm>

#include "kb/document_reader.h"
#include "util/error.h"

namespace lv::kb {

namespace fs = std::filesystem;

fs::path safe_document_name(std::string_view name) {
  const std::string fix = "use a plain file name such as notes.md (folders allowed, no '..')";
  if (name.empty()) throw Error("the document name is empty", fix);
  if (name.size() > 255) throw Error("the document name is longer than 255 characters", fix);
  if (name.find('\0') != std::string_view::npos || name.find('\\') != std::string_view::npos) {
    throw Error("the document name contains a NUL or backslash", fix);
  }
  if (name.front() == '/') throw Error("the document name '" + std::string(name) + "' is an absolute path", fix);
  fs::path path(name);
  for (const auto& part : path) {
    const std::string text = part.string();
    if (text.empty() || text == "." || text == "..") {
      throw Error("the document name '" + std::string(name) + "' would leave the knowledge folder", fix);
    }
    if (text[0] == '.') throw Error("the document name '" + std::string(name) + "' is hidden (starts with '.')", fix);
  }
  if (!format_for_path(path)) {
    throw Error("'" + std::string(name) + "' is not a supported document type", "use .txt, .md, .html or .pdf files");
  }
  // "a//b.md" and "a/b.md" must be one document, as the folder scan sees it.
  return path.lexically_normal();
}

std::int64_t file_mtime_ns(const fs::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return 0;
  return static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
}

std::string document_title(const std::string& relative) {
  std::string stem = fs::path(relative).stem().string();
  std::replace_if(
      stem.begin(), stem.end(), [](char c) { return c == '-' || c == '_' || c == '.'; }, ' ');
  return stem;
}

bool is_hidden_path(const fs::path& relative) {
  return std::any_of(relative.begin(), relative.end(), [](const fs::path& part) {
    const std::string name = part.string();
    return !name.empty() && name[0] == '.' && name != "." && name != "..";
  });
}

}  // namespace lv::kb
