#include "models/tarball.h"

#include <zlib.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "util/error.h"

namespace lv::models {
namespace {

constexpr std::size_t kBlockBytes = 512;
constexpr std::size_t kPieceBytes = 256 * 1024;

struct GzCloser {
  void operator()(gzFile_s* file) const { gzclose(file); }
};
using GzFilePtr = std::unique_ptr<gzFile_s, GzCloser>;

std::string field(const std::array<char, kBlockBytes>& header, std::size_t offset, std::size_t length) {
  std::string out(header.data() + offset, length);
  return out.substr(0, out.find('\0'));
}

std::uint64_t octal_field(const std::array<char, kBlockBytes>& header, std::size_t offset, std::size_t length) {
  std::uint64_t value = 0;
  for (std::size_t i = offset; i < offset + length; ++i) {
    const char c = header[i];
    if (c >= '0' && c <= '7') {
      value = value * 8 + static_cast<std::uint64_t>(c - '0');
    } else if (c != ' ' && c != '\0') {
      break;
    }
  }
  return value;
}

}  // namespace

void extract_tgz_member(const std::filesystem::path& archive, std::string_view member,
                        const std::function<void(std::string_view piece)>& sink) {
  const GzFilePtr in(gzopen(archive.c_str(), "rb"));
  if (!in) {
    throw Error("cannot open package archive " + archive.string(), "check the file's permissions");
  }
  const auto corrupt = [&archive]() {
    return Error("package archive " + archive.string() + " is corrupt or truncated",
                 "delete it and pull the model again");
  };
  auto read_exact = [&](char* into, std::size_t length) {
    std::size_t done = 0;
    while (done < length) {
      const int got = gzread(in.get(), into + done, static_cast<unsigned>(std::min(length - done, kPieceBytes)));
      if (got <= 0) {
        throw corrupt();
      }
      done += static_cast<std::size_t>(got);
    }
  };
  std::array<char, kBlockBytes> header{};
  std::vector<char> piece(kPieceBytes);
  for (;;) {
    read_exact(header.data(), kBlockBytes);
    if (header[0] == '\0') {
      break;  // end-of-archive marker
    }
    std::string name = field(header, 0, 100);
    const std::string prefix = field(header, 345, 155);
    if (!prefix.empty() && field(header, 257, 5) == "ustar") {
      name = prefix + "/" + name;
    }
    const std::uint64_t size = octal_field(header, 124, 12);
    const char type = header[156];
    const bool wanted = (type == '0' || type == '\0') && name == member;
    std::uint64_t remaining = size;
    while (remaining > 0) {
      const auto length = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, kPieceBytes));
      read_exact(piece.data(), length);
      if (wanted) {
        sink(std::string_view(piece.data(), length));
      }
      remaining -= length;
    }
    const std::size_t padding = (kBlockBytes - size % kBlockBytes) % kBlockBytes;
    if (padding > 0) {
      read_exact(piece.data(), padding);
    }
    if (wanted) {
      return;
    }
  }
  throw Error("package archive " + archive.string() + " has no file " + std::string(member),
              "the catalog's npm path is wrong for this package version; fix the catalog");
}

}  // namespace lv::models
