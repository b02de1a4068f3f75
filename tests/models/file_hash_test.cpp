#include "models/file_hash.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/test_paths.h"
#include "util/error.h"

namespace lv::models {
namespace {

// FIPS 180-2 test vector for "abc".
constexpr const char* kAbcSha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* kAbcSha1 = "a9993e364706816aba3e25717850c26c9cd0d89d";

TEST(FileHash, KnownVectorsInPieces) {
  Hasher hasher(true);
  hasher.update("a");
  hasher.update("bc");
  const FileHashes hashes = hasher.finish();
  EXPECT_EQ(hashes.sha256, kAbcSha256);
  EXPECT_EQ(hashes.sha1, kAbcSha1);
  EXPECT_EQ(hashes.size_bytes, 3U);
}

TEST(FileHash, FileAndContinuation) {
  const lv::test::TempDir dir;
  std::ofstream(dir / "a") << "ab";
  std::ofstream(dir / "abc") << "abc";
  EXPECT_EQ(hash_file(dir / "abc").sha256, kAbcSha256);
  EXPECT_TRUE(hash_file(dir / "abc").sha1.empty());
  Hasher hasher;
  hash_file_into(dir / "a", hasher);
  hasher.update("c");
  EXPECT_EQ(hasher.finish().sha256, kAbcSha256);
}

TEST(FileHash, MissingFileIsAClearError) {
  const lv::test::TempDir dir;
  EXPECT_THROW(hash_file(dir / "missing"), lv::Error);
}

}  // namespace
}  // namespace lv::models
