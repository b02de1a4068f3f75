#include "models/tgz_writer.h"

#include <zlib.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace lv::test {
namespace {

struct GzCloser {
  void operator()(gzFile_s* file) const { gzclose(file); }
};

void put_octal(std::array<char, 512>& header, std::size_t offset, std::size_t width, unsigned long long value) {
  std::snprintf(header.data() + offset, width, "%0*llo", static_cast<int>(width - 1), value);
}

}  // namespace

void write_tgz(const std::filesystem::path& archive, const std::vector<std::pair<std::string, std::string>>& entries) {
  const std::unique_ptr<gzFile_s, GzCloser> out(gzopen(archive.c_str(), "wb"));
  if (!out) {
    throw std::runtime_error("cannot create " + archive.string());
  }
  const auto write = [&out](const char* data, std::size_t size) {
    if (size > 0 && gzwrite(out.get(), data, static_cast<unsigned>(size)) != static_cast<int>(size)) {
      throw std::runtime_error("gzwrite failed");
    }
  };
  for (const auto& [name, content] : entries) {
    std::array<char, 512> header{};
    std::memcpy(header.data(), name.data(), std::min<std::size_t>(name.size(), 99));
    put_octal(header, 100, 8, 0644);
    put_octal(header, 108, 8, 0);
    put_octal(header, 116, 8, 0);
    put_octal(header, 124, 12, content.size());
    put_octal(header, 136, 12, 0);
    header[156] = '0';
    std::memcpy(header.data() + 257, "ustar", 5);
    std::memcpy(header.data() + 263, "00", 2);
    std::memset(header.data() + 148, ' ', 8);
    unsigned checksum = 0;
    for (const char c : header) {
      checksum += static_cast<unsigned char>(c);
    }
    std::snprintf(header.data() + 148, 8, "%06o", checksum);
    write(header.data(), header.size());
    write(content.data(), content.size());
    const std::array<char, 512> zeros{};
    write(zeros.data(), (512 - content.size() % 512) % 512);
  }
  const std::array<char, 1024> end{};
  write(end.data(), end.size());
}

}  // namespace lv::test
