#include "kb/html_text.h"

#include <array>
#include <cctype>
#include <charconv>
#include <utility>

#include "util/utf8.h"

namespace lv::kb {

using util::append_utf8;

namespace {

struct NamedEntity {
  std::string_view name;
  char32_t code_point;
};

// The entities that appear in real documents; rarer ones stay as written rather than guessed.
constexpr std::array<NamedEntity, 40> kEntities = {{
    {"amp", U'&'},         {"lt", U'<'},          {"gt", U'>'},          {"quot", U'"'},        {"apos", U'\''},
    {"nbsp", U' '},        {"ndash", U'\u2013'},  {"mdash", U'\u2014'},  {"hellip", U'\u2026'}, {"copy", U'\u00A9'},
    {"reg", U'\u00AE'},    {"trade", U'\u2122'},  {"lsquo", U'\u2018'},  {"rsquo", U'\u2019'},  {"ldquo", U'\u201C'},
    {"rdquo", U'\u201D'},  {"laquo", U'\u00AB'},  {"raquo", U'\u00BB'},  {"bull", U'\u2022'},   {"middot", U'\u00B7'},
    {"deg", U'\u00B0'},    {"euro", U'\u20AC'},   {"pound", U'\u00A3'},  {"yen", U'\u00A5'},    {"cent", U'\u00A2'},
    {"sect", U'\u00A7'},   {"para", U'\u00B6'},   {"times", U'\u00D7'},  {"divide", U'\u00F7'}, {"plusmn", U'\u00B1'},
    {"eacute", U'\u00E9'}, {"egrave", U'\u00E8'}, {"aacute", U'\u00E1'}, {"agrave", U'\u00E0'}, {"ouml", U'\u00F6'},
    {"uuml", U'\u00FC'},   {"auml", U'\u00E4'},   {"szlig", U'\u00DF'},  {"ccedil", U'\u00E7'}, {"rarr", U'\u2192'},
}};

constexpr std::array<std::string_view, 30> kBlockTags = {
    "p",      "div",    "br",         "li",    "ul",       "ol",         "tr",  "table", "section", "article",
    "header", "footer", "nav",        "aside", "main",     "blockquote", "pre", "hr",    "dd",      "dt",
    "dl",     "figure", "figcaption", "form",  "fieldset", "address",    "td",  "th",    "caption", "details"};

// Elements whose content is never text a reader sees.
constexpr std::array<std::string_view, 6> kSkippedTags = {"script", "style", "template", "noscript", "svg", "head"};

bool is_block(std::string_view tag) {
  for (const auto block : kBlockTags) {
    if (block == tag) return true;
  }
  return false;
}

bool is_skipped(std::string_view tag) {
  for (const auto skipped : kSkippedTags) {
    if (skipped == tag) return true;
  }
  return false;
}

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool starts_with_ci(std::string_view text, std::size_t pos, std::string_view prefix) {
  if (pos + prefix.size() > text.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower(text[pos + i]) != prefix[i]) return false;
  }
  return true;
}

// Builds the output: collapses runs of whitespace inside text, keeps the line structure blocks ask for.
class TextBuilder {
 public:
  void text(std::string_view piece) {
    for (const char c : piece) {
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
        pending_space_ = true;
      } else {
        if (pending_space_ && !out_.empty() && out_.back() != '\n') out_ += ' ';
        pending_space_ = false;
        out_ += c;
      }
    }
  }
  // Ends the current line; `blank` leaves an empty line (a paragraph break).
  void break_line(bool blank) {
    pending_space_ = false;
    while (!out_.empty() && out_.back() == ' ') out_.pop_back();
    if (out_.empty()) return;
    if (out_.back() != '\n') out_ += '\n';
    if (blank && (out_.size() < 2 || out_[out_.size() - 2] != '\n')) out_ += '\n';
  }
  void raw(std::string_view piece) {
    pending_space_ = false;
    out_ += piece;
  }
  std::string finish() {
    break_line(false);
    while (out_.size() >= 2 && out_[out_.size() - 1] == '\n' && out_[out_.size() - 2] == '\n') out_.pop_back();
    return std::move(out_);
  }

 private:
  std::string out_;
  bool pending_space_ = false;
};

}  // namespace

std::string decode_html_entity(std::string_view name) {
  std::string out;
  if (name.size() > 1 && name[0] == '#') {
    const bool hex = name[1] == 'x' || name[1] == 'X';
    const std::string_view digits = name.substr(hex ? 2 : 1);
    std::uint32_t value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value, hex ? 16 : 10);
    if (error != std::errc{} || end != digits.data() + digits.size() || digits.empty()) return out;
    if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) value = 0xFFFD;
    append_utf8(out, value);
    return out;
  }
  for (const auto& entity : kEntities) {
    if (entity.name == name) {
      append_utf8(out, entity.code_point);
      break;
    }
  }
  return out;
}

std::string html_to_text(std::string_view html) {
  TextBuilder builder;
  std::size_t pos = 0;
  int heading_level = 0;
  while (pos < html.size()) {
    const char c = html[pos];
    if (c == '&') {
      const std::size_t end = html.find(';', pos + 1);
      if (end != std::string_view::npos && end - pos <= 12) {
        const std::string decoded = decode_html_entity(html.substr(pos + 1, end - pos - 1));
        if (!decoded.empty()) {
          builder.text(decoded == "\xC2\xA0" ? " " : decoded);
          pos = end + 1;
          continue;
        }
      }
      builder.text("&");
      ++pos;
      continue;
    }
    if (c != '<') {
      const std::size_t next = html.find_first_of("<&", pos);
      const std::size_t end = next == std::string_view::npos ? html.size() : next;
      builder.text(html.substr(pos, end - pos));
      pos = end;
      continue;
    }
    if (html.compare(pos, 4, "<!--") == 0) {
      const std::size_t end = html.find("-->", pos + 4);
      pos = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    if (pos + 1 < html.size() && (html[pos + 1] == '!' || html[pos + 1] == '?')) {
      const std::size_t end = html.find('>', pos);
      pos = end == std::string_view::npos ? html.size() : end + 1;
      continue;
    }
    const bool closing = pos + 1 < html.size() && html[pos + 1] == '/';
    std::size_t name_start = pos + (closing ? 2 : 1);
    std::size_t name_end = name_start;
    while (name_end < html.size() && std::isalnum(static_cast<unsigned char>(html[name_end])) != 0) ++name_end;
    if (name_end == name_start) {
      builder.text("<");  // a lone '<' in text, e.g. "a < b"
      ++pos;
      continue;
    }
    std::string tag;
    for (std::size_t i = name_start; i < name_end; ++i) tag += lower(html[i]);
    // Attribute values may contain '>', so skip quoted runs while looking for the tag's end.
    std::size_t end = name_end;
    char quote = 0;
    while (end < html.size()) {
      const char ch = html[end];
      if (quote != 0) {
        if (ch == quote) quote = 0;
      } else if (ch == '"' || ch == '\'') {
        quote = ch;
      } else if (ch == '>') {
        break;
      }
      ++end;
    }
    pos = end == html.size() ? html.size() : end + 1;
    const bool self_closing = end > 0 && end < html.size() && html[end - 1] == '/';
    if (!closing && !self_closing && is_skipped(tag)) {
      // Skip to the matching close tag; without one, the rest of the file is not text either.
      const std::string close = "</" + tag;
      std::size_t search = pos;
      while (search < html.size() && !starts_with_ci(html, search, close)) {
        search = html.find('<', search + 1);
        if (search == std::string_view::npos) search = html.size();
      }
      const std::size_t close_end = search < html.size() ? html.find('>', search) : std::string_view::npos;
      pos = close_end == std::string_view::npos ? html.size() : close_end + 1;
      continue;
    }
    if (tag.size() == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6') {
      builder.break_line(true);
      if (!closing) {
        heading_level = tag[1] - '0';
        builder.raw(std::string(static_cast<std::size_t>(heading_level), '#') + " ");
      } else {
        heading_level = 0;
      }
      continue;
    }
    if (tag == "title" && !closing) {
      continue;  // the title outside <head> is rare; its text is kept as a line
    }
    if (tag == "li" && !closing && heading_level == 0) {
      builder.break_line(false);
      builder.raw("- ");
      continue;
    }
    if (tag == "br" || tag == "tr") {
      builder.break_line(false);
    } else if (tag == "td" || tag == "th") {
      builder.text(" ");
    } else if (is_block(tag)) {
      builder.break_line(tag == "p" || tag == "div" || tag == "section" || tag == "article" || tag == "table" ||
                         tag == "blockquote" || tag == "pre" || tag == "ul" || tag == "ol");
    }
  }
  return builder.finish();
}

}  // namespace lv::kb
