#include "kb/document_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "kb/pdf_fixture.h"
#include "support/test_paths.h"
#include "util/error.h"

namespace lv::kb {
namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

TEST(DocumentReaderTest, PicksTheFormatFromTheExtension) {
  EXPECT_EQ(format_for_path("a.TXT"), DocumentFormat::text);
  EXPECT_EQ(format_for_path("dir/b.markdown"), DocumentFormat::markdown);
  EXPECT_EQ(format_for_path("c.htm"), DocumentFormat::html);
  EXPECT_EQ(format_for_path("d.Pdf"), DocumentFormat::pdf);
  EXPECT_EQ(format_for_path("e.docx"), std::nullopt);
  EXPECT_EQ(format_for_path("Makefile"), std::nullopt);
}

TEST(DocumentReaderTest, ReadsEachFormat) {
  const test::TempDir dir;
  write_file(dir / "a.md", "# Title\n\nBody text.\n");
  write_file(dir / "b.html", "<h2>Heading</h2><p>Para &amp; more</p>");
  write_file(dir / "c.pdf", test::make_pdf({"PDF body line"}));
  const auto markdown = read_document(dir / "a.md", 1 << 20);
  EXPECT_EQ(markdown.format, DocumentFormat::markdown);
  EXPECT_EQ(markdown.text, "# Title\n\nBody text.\n");
  EXPECT_EQ(markdown.size_bytes, 20U);
  EXPECT_EQ(markdown.content_hash.size(), 64U);
  EXPECT_EQ(read_document(dir / "b.html", 1 << 20).text, "## Heading\n\nPara & more\n");
  EXPECT_NE(read_document(dir / "c.pdf", 1 << 20).text.find("PDF body line"), std::string::npos);
}

TEST(DocumentReaderTest, HashesFollowTheContent) {
  EXPECT_EQ(content_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_NE(content_hash("abc"), content_hash("abd"));
}

TEST(DocumentReaderTest, RefusesFilesOverTheSizeLimitNamingIt) {
  const test::TempDir dir;
  write_file(dir / "big.txt", std::string(3000, 'a'));
  try {
    read_document(dir / "big.txt", 2048);
    FAIL() << "expected lv::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("limit of 2 KiB"), std::string::npos) << e.what();
    EXPECT_NE(e.fix().find("kb.max_file_bytes"), std::string::npos);
  }
}

TEST(DocumentReaderTest, RefusesBinaryContentInATextFormat) {
  EXPECT_THROW(extract_document("x.txt", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)), Error);
  EXPECT_THROW(extract_document("x.md", std::string(100, '\x01')), Error);
}

TEST(DocumentReaderTest, RepairsInvalidUtf8WithAWarning) {
  const auto document = extract_document("x.txt", "na\xefve text");
  EXPECT_EQ(document.text, "na\xEF\xBF\xBDve text");
  ASSERT_EQ(document.warnings.size(), 1U);
  EXPECT_NE(document.warnings[0].find("U+FFFD"), std::string::npos);
}

TEST(DocumentReaderTest, ReportsMissingAndUnreadableFiles) {
  const test::TempDir dir;
  EXPECT_THROW(read_document(dir / "missing.md", 1 << 20), Error);
  EXPECT_THROW(read_document(dir / "tool.exe", 1 << 20), Error);
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their permissions";
  write_file(dir / "locked.md", "secret");
  fs::permissions(dir / "locked.md", fs::perms::none);
  try {
    read_document(dir / "locked.md", 1 << 20);
    FAIL() << "expected lv::Error";
  } catch (const Error& e) {
    EXPECT_NE(e.fix().find("chmod"), std::string::npos) << e.fix();
  }
}

}  // namespace
}  // namespace lv::kb
