// Paths of documents in the knowledge folder: safe upload names, hidden files, titles, modification times.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace lv::kb {

// Checks a relative document name given by a user or an upload ("notes/todo.md"); throws lv::Error naming
// the problem and the fix for an empty, absolute, hidden or too long name, one with "..", "." or a
// backslash, and an unsupported type. Returns it as a path.
std::filesystem::path safe_document_name(std::string_view name);

// True when any part of `relative` starts with '.' (editors' swap files, our own partial uploads).
bool is_hidden_path(const std::filesystem::path& relative);

// "guides/wifi-setup.md" -> "wifi setup": what a file name says a document is about, as words.
std::string document_title(const std::string& relative);

// Modification time in nanoseconds since the epoch; 0 when the file cannot be stat()ed.
std::int64_t file_mtime_ns(const std::filesystem::path& path);

}  // namespace lv::kb
