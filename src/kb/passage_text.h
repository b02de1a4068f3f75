// Shaping chunk text for people: a snippet around the match, and plain sentences for speech.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lv::kb {

// The window of about `words` words of `text` holding the most query terms (tokenize()d), with "…" where
// text was cut. Whitespace is collapsed to single spaces.
std::string make_snippet(std::string_view text, const std::vector<std::string>& query_terms, std::size_t words = 30);

// The first one to three sentences of `text`, at most about `max_words` words (a longer first sentence is
// cut at a word boundary), ending with a sentence mark.
std::string leading_sentences(std::string_view text, std::size_t max_words = 40);

// What the word index holds for a chunk of the document at `path` (relative to the knowledge folder): the
// document's title, the heading trail and the text, so that a question naming the document finds it.
std::string lexical_text(const std::string& path, const std::string& heading, const std::string& text);

// What is embedded for a chunk: the same, with the heading set off from the title.
std::string embedding_text(const std::string& path, const std::string& heading, const std::string& text);

}  // namespace lv::kb
