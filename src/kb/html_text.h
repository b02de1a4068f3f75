// Turns HTML into the plain text the chunker reads: headings become Markdown "#" lines, blocks paragraphs.
#pragma once

#include <string>
#include <string_view>

namespace lv::kb {

// Drops script, style, template and comments; decodes entities (named and numeric); keeps h1..h6 as
// "#".."######" lines, paragraphs and list items as their own lines. Tolerates malformed markup: whatever
// cannot be parsed as a tag is kept as text. `html` must be valid UTF-8.
std::string html_to_text(std::string_view html);

// Decodes one entity body ("amp", "#233", "#x2014") to UTF-8; empty when unknown.
std::string decode_html_entity(std::string_view name);

}  // namespace lv::kb
