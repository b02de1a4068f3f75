#include "kb/pdf_text.h"

#include <gtest/gtest.h>

#include "kb/pdf_fixture.h"
#include "util/error.h"

namespace lv::kb {
namespace {

TEST(PdfTextTest, ExtractsTheTextOfAValidPdf) {
  const std::string text = pdf_to_text(test::make_pdf({"Warranty card", "Valid for five years (from purchase)."}));
  EXPECT_NE(text.find("Warranty card"), std::string::npos) << text;
  EXPECT_NE(text.find("five years (from purchase)"), std::string::npos) << text;
}

TEST(PdfTextTest, RefusesDamagedPdfsWithAFix) {
  const std::string valid = test::make_pdf({"Some text"});
  for (const std::string& bad : {std::string("not a pdf"), std::string("%PDF-1.4\n"), valid.substr(0, valid.size() / 3),
                                 std::string("%PDF-1.4\n") + std::string(1000, '\xff')}) {
    try {
      pdf_to_text(bad);
      ADD_FAILURE() << "accepted a damaged PDF";
    } catch (const Error& e) {
      EXPECT_FALSE(e.fix().empty());
    }
  }
}

TEST(PdfTextTest, RefusesAPdfWithoutText) { EXPECT_THROW(pdf_to_text(test::make_pdf({})), Error); }

}  // namespace
}  // namespace lv::kb
