#include "kb/pdf_text.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <memory>
#include <mutex>
#include <vector>

#include "util/error.h"
#include "util/log.h"

namespace lv::kb {
namespace {

void route_poppler_message(const std::string& message, void* /*closure*/) {
  log::debug("poppler", {{"message", message}});
}

// Poppler prints parse errors of damaged files to stderr by default; a broken file must cost one warning
// of ours, not a screenful of its output.
void quiet_poppler() {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function(route_poppler_message, nullptr); });
}

}  // namespace

std::string pdf_to_text(std::string_view pdf_bytes) {
  quiet_poppler();
  if (pdf_bytes.substr(0, 5) != "%PDF-") {
    throw Error("not a PDF file (it does not start with %PDF-)", "rename it, or replace it with a real PDF");
  }
  std::vector<char> data(pdf_bytes.begin(), pdf_bytes.end());
  const std::unique_ptr<poppler::document> document(
      poppler::document::load_from_raw_data(data.data(), static_cast<int>(data.size())));
  if (!document) {
    throw Error("the PDF is damaged and cannot be read", "re-export or re-download it");
  }
  if (document->is_locked()) {
    throw Error("the PDF is password-protected", "save an unprotected copy into the knowledge folder");
  }
  std::string text;
  const int pages = document->pages();
  for (int index = 0; index < pages; ++index) {
    const std::unique_ptr<poppler::page> page(document->create_page(index));
    if (!page) continue;
    const poppler::byte_array utf8 = page->text().to_utf8();
    if (utf8.empty()) continue;
    if (!text.empty()) text += "\n\n";
    text.append(utf8.begin(), utf8.end());
  }
  bool blank = true;
  for (const char c : text) {
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t' && c != '\f') {
      blank = false;
      break;
    }
  }
  if (blank) {
    throw Error("the PDF has no extractable text (scanned pages?)", "run OCR on it, or add a text version");
  }
  return text;
}

}  // namespace lv::kb
