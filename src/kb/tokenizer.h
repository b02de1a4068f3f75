// Search terms of a text: lower-cased words, English stop words dropped, a light English stemmer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lv::kb {

// Splits on anything that is not a letter or digit (any non-ASCII letter counts as a letter), lower-cases
// ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic letters, joins "don't" into "dont", drops English
// stop words and single ASCII letters, and stems each word (see stem_word). `text` must be valid UTF-8.
std::vector<std::string> tokenize(std::string_view text);

// A conservative English stemmer: plural -s/-es/-ies, -ing, -ed and a final silent -e are removed when the
// stem keeps at least three letters, so "configured", "configuring" and "configure" meet at "configur", and
// "batteries" and "battery" at "battery". Words with digits or non-ASCII letters are left alone.
std::string stem_word(std::string word);

bool is_stop_word(std::string_view word);

}  // namespace lv::kb
