#include "models/tarball.h"

#include <gtest/gtest.h>

#include <fstream>

#include "models/tgz_writer.h"
#include "support/test_paths.h"
#include "util/error.h"

namespace lv::models {
namespace {

TEST(Tarball, ExtractsTheNamedMemberOnly) {
  const lv::test::TempDir dir;
  std::string big(70000, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) {
    big[i] = static_cast<char>(i % 251);
  }
  lv::test::write_tgz(
      dir / "p.tgz",
      {{"package/README.md", "hello"}, {"package/dist/model.onnx", big}, {"package/dist/other.onnx", "other"}});
  std::string got;
  extract_tgz_member(dir / "p.tgz", "package/dist/model.onnx", [&](std::string_view piece) { got.append(piece); });
  EXPECT_EQ(got, big);
}

TEST(Tarball, MissingMemberIsAClearError) {
  const lv::test::TempDir dir;
  lv::test::write_tgz(dir / "p.tgz", {{"package/a", "x"}});
  try {
    extract_tgz_member(dir / "p.tgz", "package/dist/none.onnx", [](std::string_view) {});
    FAIL() << "expected an error";
  } catch (const lv::Error& error) {
    EXPECT_NE(std::string(error.what()).find("has no file package/dist/none.onnx"), std::string::npos);
  }
}

TEST(Tarball, TruncatedArchiveIsAClearError) {
  const lv::test::TempDir dir;
  lv::test::write_tgz(dir / "p.tgz", {{"package/a", std::string(100000, 'a')}});
  std::filesystem::resize_file(dir / "p.tgz", std::filesystem::file_size(dir / "p.tgz") / 2);
  try {
    extract_tgz_member(dir / "p.tgz", "package/zzz", [](std::string_view) {});
    FAIL() << "expected an error";
  } catch (const lv::Error& error) {
    EXPECT_NE(std::string(error.what()).find("corrupt or truncated"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace lv::models
