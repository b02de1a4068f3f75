#include "models/file_hash.h"

#include <openssl/evp.h>

#include <cstdio>
#include <vector>

#include "util/error.h"

namespace lv::models {
namespace {

constexpr std::size_t kReadBlockBytes = std::size_t{1} << 20;

struct EvpContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
using EvpContextPtr = std::unique_ptr<EVP_MD_CTX, EvpContextDeleter>;

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

EvpContextPtr start_digest(const EVP_MD* algorithm) {
  EvpContextPtr context(EVP_MD_CTX_new());
  if (!context || EVP_DigestInit_ex(context.get(), algorithm, nullptr) != 1) {
    throw Error("cannot initialise a hash (OpenSSL failed)", "check the OpenSSL installation");
  }
  return context;
}

std::string finish_digest(EVP_MD_CTX* context) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context, digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2U);
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4U];
    out += kHex[digest[i] & 0x0FU];
  }
  return out;
}

}  // namespace

struct Hasher::Contexts {
  EvpContextPtr sha256;
  EvpContextPtr sha1;
};

Hasher::Hasher(bool with_sha1) : contexts_(std::make_unique<Contexts>()) {
  contexts_->sha256 = start_digest(EVP_sha256());
  if (with_sha1) {
    contexts_->sha1 = start_digest(EVP_sha1());
  }
}

Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::update(std::string_view data) {
  EVP_DigestUpdate(contexts_->sha256.get(), data.data(), data.size());
  if (contexts_->sha1) {
    EVP_DigestUpdate(contexts_->sha1.get(), data.data(), data.size());
  }
  size_bytes_ += data.size();
}

FileHashes Hasher::finish() {
  FileHashes out;
  out.sha256 = finish_digest(contexts_->sha256.get());
  if (contexts_->sha1) {
    out.sha1 = finish_digest(contexts_->sha1.get());
  }
  out.size_bytes = size_bytes_;
  return out;
}

void hash_file_into(const std::filesystem::path& path, Hasher& hasher) {
  const FilePtr file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    throw Error("cannot read " + path.string() + " to check its hash", "check the file's permissions");
  }
  std::vector<char> block(kReadBlockBytes);
  for (;;) {
    const std::size_t got = std::fread(block.data(), 1, block.size(), file.get());
    if (got > 0) {
      hasher.update(std::string_view(block.data(), got));
    }
    if (got < block.size()) {
      if (std::ferror(file.get()) != 0) {
        throw Error("read error while hashing " + path.string(), "check the disk (dmesg) and retry");
      }
      return;
    }
  }
}

FileHashes hash_file(const std::filesystem::path& path, bool with_sha1) {
  Hasher hasher(with_sha1);
  hash_file_into(path, hasher);
  return hasher.finish();
}

}  // namespace lv::models
