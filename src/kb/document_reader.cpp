#include "kb/document_reader.h"

#include <openssl/evp.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <system_error>

#include "kb/html_text.h"
#include "kb/pdf_text.h"
#include "kb/text_utf8.h"
#include "util/error.h"

namespace lv::kb {
namespace {

namespace fs = std::filesystem;

struct DigestDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

std::string lower_extension(const fs::path& path) {
  std::string extension = path.extension().string();
  for (char& c : extension) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return extension;
}

std::string size_text(std::uint64_t bytes) {
  if (bytes >= (std::uint64_t{1} << 20)) return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= (std::uint64_t{1} << 10)) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace

std::string_view format_name(DocumentFormat format) {
  switch (format) {
    case DocumentFormat::text:
      return "text";
    case DocumentFormat::markdown:
      return "markdown";
    case DocumentFormat::html:
      return "html";
    case DocumentFormat::pdf:
      return "pdf";
  }
  return "text";
}

std::optional<DocumentFormat> format_for_path(const fs::path& path) {
  const std::string extension = lower_extension(path);
  if (extension == ".txt" || extension == ".text") return DocumentFormat::text;
  if (extension == ".md" || extension == ".markdown") return DocumentFormat::markdown;
  if (extension == ".html" || extension == ".htm" || extension == ".xhtml") return DocumentFormat::html;
  if (extension == ".pdf") return DocumentFormat::pdf;
  return std::nullopt;
}

std::string content_hash(std::string_view bytes) {
  const std::unique_ptr<EVP_MD_CTX, DigestDeleter> context(EVP_MD_CTX_new());
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), digest.data(), &length) != 1) {
    throw Error("cannot compute a SHA-256 hash (OpenSSL failed)", "check the OpenSSL installation");
  }
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0F];
  }
  return out;
}

ExtractedDocument extract_document(const fs::path& name, std::string_view bytes) {
  const auto format = format_for_path(name);
  if (!format) {
    throw Error("'" + name.filename().string() + "' is not a supported document type",
                "use .txt, .md, .html or .pdf files");
  }
  ExtractedDocument document;
  document.format = *format;
  document.size_bytes = bytes.size();
  document.content_hash = content_hash(bytes);
  std::string text;
  if (*format == DocumentFormat::pdf) {
    text = pdf_to_text(bytes);
  } else {
    if (looks_binary(bytes)) {
      throw Error(
          "'" + name.filename().string() + "' looks like a binary file, not " + std::string(format_name(*format)),
          "remove it from the knowledge folder or give it the right extension");
    }
    text.assign(bytes);
  }
  RepairedText repaired = repair_utf8(text);
  if (repaired.replaced > 0) {
    document.warnings.push_back("replaced " + std::to_string(repaired.replaced) +
                                " invalid UTF-8 sequence(s) with U+FFFD; save the file as UTF-8 to fix");
  }
  document.text = *format == DocumentFormat::html ? html_to_text(repaired.text) : std::move(repaired.text);
  return document;
}

ExtractedDocument read_document(const fs::path& path, std::uint64_t max_file_bytes) {
  if (!format_for_path(path)) {
    throw Error("'" + path.filename().string() + "' is not a supported document type",
                "use .txt, .md, .html or .pdf files");
  }
  std::error_code error;
  const std::uint64_t size = fs::file_size(path, error);
  if (error) {
    throw Error("cannot read '" + path.string() + "': " + error.message(), "check that the file exists");
  }
  if (size > max_file_bytes) {
    throw Error(
        "'" + path.filename().string() + "' is " + size_text(size) + ", over the limit of " + size_text(max_file_bytes),
        "split it into smaller files, or raise kb.max_file_bytes");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error("cannot read '" + path.string() + "': " + std::strerror(errno),
                "check its permissions, e.g. chmod a+r '" + path.string() + "'");
  }
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) {
    throw Error("cannot read '" + path.string() + "': " + std::strerror(errno), "check the file and the disk");
  }
  return extract_document(path, bytes);
}

}  // namespace lv::kb
