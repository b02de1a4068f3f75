// Reads one file of the knowledge folder into clean UTF-8 text, whatever shape the file is in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lv::kb {

enum class DocumentFormat { text, markdown, html, pdf };

std::string_view format_name(DocumentFormat format);
// The format a file name's extension stands for (.txt .text .md .markdown .htm .html .xhtml .pdf, any case);
// nullopt for anything else.
std::optional<DocumentFormat> format_for_path(const std::filesystem::path& path);

struct ExtractedDocument {
  DocumentFormat format = DocumentFormat::text;
  std::string text;          // UTF-8; headings as Markdown "#" lines (Markdown and HTML)
  std::string content_hash;  // SHA-256 of the file's bytes, hex
  std::uint64_t size_bytes = 0;
  std::vector<std::string> warnings;  // repaired problems, e.g. invalid UTF-8 replaced
};

// Content hash (SHA-256, hex) of bytes, as stored with each document.
std::string content_hash(std::string_view bytes);

// Reads and extracts `path`. Throws lv::Error naming the problem and the fix for: an unsupported
// extension, a file larger than `max_file_bytes`, an unreadable file, binary content in a text format,
// a damaged PDF. Invalid UTF-8 is repaired (U+FFFD) with a warning rather than refused.
ExtractedDocument read_document(const std::filesystem::path& path, std::uint64_t max_file_bytes);

// The same for bytes already in memory; `name` picks the format and appears in messages.
ExtractedDocument extract_document(const std::filesystem::path& name, std::string_view bytes);

}  // namespace lv::kb
