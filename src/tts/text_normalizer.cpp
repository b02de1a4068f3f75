#include "tts/text_normalizer.h"

#include <array>
#include <optional>
#include <vector>

#include "util/markdown_filter.h"

namespace lv::tts {

namespace {

using namespace std::string_view_literals;

constexpr std::array<std::string_view, 20> kOnes{"zero"sv,    "one"sv,     "two"sv,       "three"sv,    "four"sv,
                                                 "five"sv,    "six"sv,     "seven"sv,     "eight"sv,    "nine"sv,
                                                 "ten"sv,     "eleven"sv,  "twelve"sv,    "thirteen"sv, "fourteen"sv,
                                                 "fifteen"sv, "sixteen"sv, "seventeen"sv, "eighteen"sv, "nineteen"sv};
constexpr std::array<std::string_view, 10> kTens{"",        "",        "twenty"sv,  "thirty"sv, "forty"sv,
                                                 "fifty"sv, "sixty"sv, "seventy"sv, "eighty"sv, "ninety"sv};
constexpr std::array<std::string_view, 6> kScales{"",          "thousand"sv, "million"sv,
                                                  "billion"sv, "trillion"sv, "quadrillion"sv};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

void append_word(std::string& out, std::string_view word) {
  if (!out.empty() && out.back() != ' ' && out.back() != '-') {
    out += ' ';
  }
  out += word;
}

std::string below_thousand(unsigned number) {
  std::string out;
  if (number >= 100) {
    append_word(out, kOnes[number / 100]);
    append_word(out, "hundred");
    number %= 100;
  }
  if (number >= 20) {
    append_word(out, kTens[number / 10]);
    if (number % 10 != 0) {
      out += '-';
      out += kOnes[number % 10];
    }
  } else if (number > 0 || out.empty()) {
    append_word(out, kOnes[number]);
  }
  return out;
}

std::string digits_to_words(std::string_view digits) {
  std::string out;
  for (const char c : digits) {
    append_word(out, kOnes[static_cast<std::size_t>(c - '0')]);
  }
  return out;
}

std::string pluralize(std::string words) {
  if (!words.empty() && words.back() == 'y') {
    words.pop_back();
    return words + "ies";
  }
  if (words.ends_with("six")) {
    return words + "es";
  }
  return words + "s";
}

// A parsed numeric token: integer digits (separators removed) and optional fraction digits.
struct Number {
  std::string integer;
  std::string fraction;  // without the point; empty when none
  bool negative = false;
  bool grouped = false;  // written with thousands separators
  std::size_t end = 0;   // position after the token in the text
};

// Parses a number at `pos` ("1,234.5", "-3", "0.75"); nullopt when there is none.
std::optional<Number> parse_number(std::string_view text, std::size_t pos) {
  Number number;
  std::size_t i = pos;
  if (i < text.size() && (text[i] == '-' || text[i] == '+') && i + 1 < text.size() && is_digit(text[i + 1])) {
    number.negative = text[i] == '-';
    ++i;
  }
  if (i >= text.size() || !is_digit(text[i])) {
    return std::nullopt;
  }
  while (i < text.size()) {
    if (is_digit(text[i])) {
      number.integer += text[i++];
    } else if (text[i] == ',' && i + 3 < text.size() && is_digit(text[i + 1]) && is_digit(text[i + 2]) &&
               is_digit(text[i + 3]) && (i + 4 >= text.size() || !is_digit(text[i + 4])) &&
               (number.grouped || number.integer.size() <= 3)) {
      number.grouped = true;
      ++i;
    } else {
      break;
    }
  }
  if (i + 1 < text.size() && text[i] == '.' && is_digit(text[i + 1])) {
    ++i;
    while (i < text.size() && is_digit(text[i])) {
      number.fraction += text[i++];
    }
  }
  number.end = i;
  return number;
}

std::string cardinal(const Number& number) {
  std::string out;
  if (number.negative) {
    out = "minus";
  }
  const std::string& digits = number.integer;
  // Leading zeros ("007") are read digit by digit, as are numbers too long for an unsigned 64-bit value.
  if ((digits.size() > 1 && digits.front() == '0' && !number.grouped) || digits.size() > 18) {
    append_word(out, digits_to_words(digits));
  } else {
    append_word(out, number_to_words(std::stoull(digits)));
  }
  if (!number.fraction.empty()) {
    append_word(out, "point");
    append_word(out, digits_to_words(number.fraction));
  }
  return out;
}

bool is_integer_value_one(const Number& number) {
  return number.integer == "1" && number.fraction.find_first_not_of('0') == std::string::npos;
}

struct Unit {
  std::string_view symbol;
  std::string_view singular;
  std::string_view plural;
  bool needs_space;  // single letters that also end words ("5 s" is seconds, "1990s" is a decade)
};

constexpr std::array kUnits{
    Unit{"km/h"sv, "kilometer per hour"sv, "kilometers per hour"sv, false},
    Unit{"km"sv, "kilometer"sv, "kilometers"sv, false},
    Unit{"cm"sv, "centimeter"sv, "centimeters"sv, false},
    Unit{"mm"sv, "millimeter"sv, "millimeters"sv, false},
    Unit{"mph"sv, "mile per hour"sv, "miles per hour"sv, false},
    Unit{"mi"sv, "mile"sv, "miles"sv, false},
    Unit{"ft"sv, "foot"sv, "feet"sv, false},
    Unit{"kg"sv, "kilogram"sv, "kilograms"sv, false},
    Unit{"mg"sv, "milligram"sv, "milligrams"sv, false},
    Unit{"lbs"sv, "pound"sv, "pounds"sv, false},
    Unit{"lb"sv, "pound"sv, "pounds"sv, false},
    Unit{"oz"sv, "ounce"sv, "ounces"sv, false},
    Unit{"ml"sv, "milliliter"sv, "milliliters"sv, false},
    Unit{"mL"sv, "milliliter"sv, "milliliters"sv, false},
    Unit{"kHz"sv, "kilohertz"sv, "kilohertz"sv, false},
    Unit{"MHz"sv, "megahertz"sv, "megahertz"sv, false},
    Unit{"GHz"sv, "gigahertz"sv, "gigahertz"sv, false},
    Unit{"Hz"sv, "hertz"sv, "hertz"sv, false},
    Unit{"KB"sv, "kilobyte"sv, "kilobytes"sv, false},
    Unit{"MB"sv, "megabyte"sv, "megabytes"sv, false},
    Unit{"GB"sv, "gigabyte"sv, "gigabytes"sv, false},
    Unit{"TB"sv, "terabyte"sv, "terabytes"sv, false},
    Unit{"kW"sv, "kilowatt"sv, "kilowatts"sv, false},
    Unit{"kWh"sv, "kilowatt hour"sv, "kilowatt hours"sv, false},
    Unit{"ms"sv, "millisecond"sv, "milliseconds"sv, false},
    Unit{"\u00B0C"sv, "degree Celsius"sv, "degrees Celsius"sv, false},
    Unit{"\u00B0F"sv, "degree Fahrenheit"sv, "degrees Fahrenheit"sv, false},
    Unit{"\u00B0"sv, "degree"sv, "degrees"sv, false},
    Unit{"m"sv, "meter"sv, "meters"sv, false},
    Unit{"g"sv, "gram"sv, "grams"sv, false},
    Unit{"l"sv, "liter"sv, "liters"sv, true},
    Unit{"L"sv, "liter"sv, "liters"sv, false},
    Unit{"s"sv, "second"sv, "seconds"sv, true},
    Unit{"h"sv, "hour"sv, "hours"sv, true},
    Unit{"min"sv, "minute"sv, "minutes"sv, false},
};

// Matches a unit after a number at `pos` (optionally after one space); returns it and the end position.
std::optional<std::pair<const Unit*, std::size_t>> match_unit(std::string_view text, std::size_t pos) {
  const bool spaced = pos < text.size() && text[pos] == ' ';
  const std::size_t start = spaced ? pos + 1 : pos;
  const Unit* best = nullptr;
  for (const auto& unit : kUnits) {
    if (unit.needs_space && !spaced) {
      continue;
    }
    if (text.substr(start, unit.symbol.size()) != unit.symbol) {
      continue;
    }
    const std::size_t end = start + unit.symbol.size();
    if (end < text.size() && is_alnum(text[end])) {
      continue;  // "5 min" vs "5 minutes", "10 mice"
    }
    if (best == nullptr || unit.symbol.size() > best->symbol.size()) {
      best = &unit;
    }
  }
  if (best == nullptr) {
    return std::nullopt;
  }
  return std::make_pair(best, start + best->symbol.size());
}

struct Currency {
  std::string_view symbol;
  std::string_view unit_singular;
  std::string_view unit_plural;
  std::string_view cent_singular;
  std::string_view cent_plural;
};

constexpr std::array kCurrencies{
    Currency{"$"sv, "dollar"sv, "dollars"sv, "cent"sv, "cents"sv},
    Currency{"\u20AC"sv, "euro"sv, "euros"sv, "cent"sv, "cents"sv},
    Currency{"\u00A3"sv, "pound"sv, "pounds"sv, "penny"sv, "pence"sv},
    Currency{"\u00A5"sv, "yen"sv, "yen"sv, ""sv, ""sv},
};

constexpr std::array kScaleWords{"thousand"sv, "million"sv, "billion"sv, "trillion"sv};

// "$3.50" and friends at `pos`; appends words and returns the end position, or nullopt when not currency.
std::optional<std::size_t> try_currency(std::string_view text, std::size_t pos, std::string& out) {
  bool negative = false;
  std::size_t i = pos;
  if (text[i] == '-' && i + 1 < text.size()) {
    negative = true;
    ++i;
  }
  for (const auto& currency : kCurrencies) {
    if (text.substr(i, currency.symbol.size()) != currency.symbol) {
      continue;
    }
    const std::size_t number_pos = i + currency.symbol.size();
    if (number_pos >= text.size() || !is_digit(text[number_pos])) {
      return std::nullopt;
    }
    auto number = parse_number(text, number_pos);
    if (!number) {
      return std::nullopt;
    }
    std::size_t end = number->end;
    // "$2.5 million" / "$5k": the scale word comes before the currency name.
    std::string_view scale;
    for (const auto word : kScaleWords) {
      if (text.substr(end, 1) == " " && text.substr(end + 1, word.size()) == word &&
          (end + 1 + word.size() >= text.size() || !is_alnum(text[end + 1 + word.size()]))) {
        scale = word;
        end += 1 + word.size();
      }
    }
    if (scale.empty() && end < text.size() && (text[end] == 'k' || text[end] == 'K' || text[end] == 'M') &&
        (end + 1 >= text.size() || !is_alnum(text[end + 1]))) {
      scale = text[end] == 'M' ? "million"sv : "thousand"sv;
      ++end;
    }
    std::string words = negative ? "minus" : "";
    if (!scale.empty()) {
      append_word(words, cardinal(*number));
      append_word(words, scale);
      append_word(words, currency.unit_plural);
    } else {
      const std::string cents_digits = number->fraction.empty() ? "" : (number->fraction + "0").substr(0, 2);
      const bool has_cents = !cents_digits.empty() && cents_digits != "00" && number->fraction.size() <= 2 &&
                             !currency.cent_plural.empty();
      if (number->fraction.size() > 2 || (currency.cent_plural.empty() && !number->fraction.empty())) {
        append_word(words, cardinal(*number));  // "$0.125": read the decimal as is
        append_word(words, currency.unit_plural);
      } else {
        const bool whole_zero = number->integer.find_first_not_of('0') == std::string::npos;
        if (!whole_zero || !has_cents) {
          Number whole = *number;
          whole.fraction.clear();
          whole.negative = false;
          append_word(words, cardinal(whole));
          append_word(words, is_integer_value_one(whole) ? currency.unit_singular : currency.unit_plural);
        }
        if (has_cents) {
          const unsigned cents = static_cast<unsigned>(std::stoul(cents_digits));
          if (!whole_zero) {
            append_word(words, "and");
          }
          append_word(words, below_thousand(cents));
          append_word(words, cents == 1 ? currency.cent_singular : currency.cent_plural);
        }
      }
    }
    out += words;
    return end;
  }
  return std::nullopt;
}

// "3:30", "3:30 pm", "15:45" at `pos`; appends words and returns the end position.
std::optional<std::size_t> try_time(std::string_view text, std::size_t pos, std::string& out) {
  std::size_t i = pos;
  unsigned hour = 0;
  std::size_t hour_digits = 0;
  while (i < text.size() && is_digit(text[i]) && hour_digits < 3) {
    hour = hour * 10 + static_cast<unsigned>(text[i] - '0');
    ++i;
    ++hour_digits;
  }
  if (hour_digits == 0 || hour_digits > 2 || hour > 24 || i + 2 >= text.size() || text[i] != ':' ||
      !is_digit(text[i + 1]) || !is_digit(text[i + 2])) {
    return std::nullopt;
  }
  const unsigned minute = static_cast<unsigned>((text[i + 1] - '0') * 10 + (text[i + 2] - '0'));
  i += 3;
  if (minute > 59 || (i < text.size() && (is_digit(text[i]) || text[i] == ':'))) {
    return std::nullopt;
  }
  // Optional am/pm: "3:30pm", "3:30 PM", "3:30 p.m."
  std::string_view meridiem;
  std::size_t j = i < text.size() && text[i] == ' ' ? i + 1 : i;
  if (j + 1 < text.size() && (lower(text[j]) == 'a' || lower(text[j]) == 'p')) {
    const char first = lower(text[j]);
    std::size_t k = j + 1;
    if (k < text.size() && text[k] == '.') {
      ++k;
    }
    if (k < text.size() && lower(text[k]) == 'm') {
      ++k;
      if (k < text.size() && text[k] == '.') {
        ++k;
      }
      if (k >= text.size() || !is_alnum(text[k])) {
        meridiem = first == 'a' ? "ay em"sv : "pee em"sv;
        // Keep a sentence-final period: "at 3 p.m." ends the sentence.
        const bool sentence_follows =
            k >= text.size() || text[k] == '\n' ||
            (text[k] == ' ' && k + 1 < text.size() && text[k + 1] >= 'A' && text[k + 1] <= 'Z');
        if (text[k - 1] == '.' && sentence_follows) {
          --k;
        }
        i = k;
      }
    }
  }
  std::string words = below_thousand(hour);
  if (minute == 0) {
    append_word(words, meridiem.empty() ? "o'clock"sv : ""sv);
  } else if (minute < 10) {
    append_word(words, "oh");
    append_word(words, kOnes[minute]);
  } else {
    append_word(words, below_thousand(minute));
  }
  if (!meridiem.empty()) {
    append_word(words, meridiem);
  }
  while (!words.empty() && words.back() == ' ') {
    words.pop_back();
  }
  out += words;
  return i;
}

std::string ordinal_of_word(std::string_view word) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kIrregular{{
      {"one"sv, "first"sv},
      {"two"sv, "second"sv},
      {"three"sv, "third"sv},
      {"five"sv, "fifth"sv},
      {"eight"sv, "eighth"sv},
      {"twelve"sv, "twelfth"sv},
  }};
  for (const auto& [cardinal_word, ordinal_word] : kIrregular) {
    if (word == cardinal_word) {
      return std::string(ordinal_word);
    }
  }
  if (word == "nine") {
    return "ninth";
  }
  if (!word.empty() && word.back() == 'y') {
    return std::string(word.substr(0, word.size() - 1)) + "ieth";
  }
  return std::string(word) + "th";
}

}  // namespace

std::string number_to_words(std::uint64_t number) {
  if (number == 0) {
    return "zero";
  }
  std::vector<unsigned> groups;
  while (number > 0) {
    groups.push_back(static_cast<unsigned>(number % 1000));
    number /= 1000;
  }
  std::string out;
  for (std::size_t g = groups.size(); g-- > 0;) {
    if (groups[g] == 0) {
      continue;
    }
    append_word(out, below_thousand(groups[g]));
    if (g > 0) {
      append_word(out, kScales[g]);
    }
  }
  return out;
}

std::string ordinal_to_words(std::uint64_t number) {
  std::string words = number_to_words(number);
  const std::size_t last = words.find_last_of(" -");
  const std::size_t start = last == std::string::npos ? 0 : last + 1;
  return words.substr(0, start) + ordinal_of_word(std::string_view(words).substr(start));
}

std::string year_to_words(std::uint64_t year) {
  if (year < 1000 || year > 9999 || (year >= 2000 && year <= 2009) || year % 1000 == 0) {
    return number_to_words(year);
  }
  const unsigned high = static_cast<unsigned>(year / 100);
  const unsigned low = static_cast<unsigned>(year % 100);
  std::string out = below_thousand(high);
  if (low == 0) {
    append_word(out, "hundred");
  } else if (low < 10) {
    append_word(out, "oh");
    append_word(out, kOnes[low]);
  } else {
    append_word(out, below_thousand(low));
  }
  return out;
}

std::string normalize_for_speech(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 4);
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const bool boundary_before = i == 0 || (!is_alnum(text[i - 1]) && text[i - 1] != '.' && text[i - 1] != ',');
    if (c == '&' && (i == 0 || text[i - 1] == ' ') && i + 1 < text.size() && text[i + 1] == ' ') {
      out += "and";
      ++i;
      continue;
    }
    if (boundary_before && !is_alpha(c)) {
      if (auto end = try_currency(text, i, out)) {
        i = *end;
        continue;
      }
    }
    if (!boundary_before ||
        !(is_digit(c) || ((c == '-' || c == '+') && i + 1 < text.size() && is_digit(text[i + 1])))) {
      out += c;
      ++i;
      continue;
    }
    if (is_digit(c)) {
      if (auto end = try_time(text, i, out)) {
        i = *end;
        continue;
      }
    }
    auto number = parse_number(text, i);
    if (!number) {
      out += c;
      ++i;
      continue;
    }
    std::size_t end = number->end;
    // Version strings and dotted numbers ("1.2.3", "192.168.0.1") are left for the engine.
    if (end + 1 < text.size() && text[end] == '.' && is_digit(text[end + 1])) {
      while (end < text.size() && (is_digit(text[end]) || text[end] == '.')) {
        ++end;
      }
      out.append(text.substr(i, end - i));
      i = end;
      continue;
    }
    const bool plain_integer = number->fraction.empty() && !number->negative;
    // Ordinals: "1st", "22nd", "3rd", "4th".
    if (plain_integer && end + 2 <= text.size() && number->integer.size() <= 18 &&
        (end + 2 == text.size() || !is_alnum(text[end + 2]))) {
      const std::string suffix{lower(text[end]), lower(text[end + 1])};
      if (suffix == "st" || suffix == "nd" || suffix == "rd" || suffix == "th") {
        out += ordinal_to_words(std::stoull(number->integer));
        i = end + 2;
        continue;
      }
    }
    if (end < text.size() && text[end] == '%') {
      out += cardinal(*number) + " percent";
      i = end + 1;
      continue;
    }
    if (auto unit = match_unit(text, end)) {
      out += cardinal(*number);
      out += ' ';
      out += is_integer_value_one(*number) ? unit->first->singular : unit->first->plural;
      i = unit->second;
      continue;
    }
    const bool year_like =
        plain_integer && !number->grouped && number->integer.size() == 4 && number->integer.front() != '0';
    const std::uint64_t value = year_like ? std::stoull(number->integer) : 0;
    const bool year = year_like && ((value >= 1100 && value <= 1999) || (value >= 2010 && value <= 2099));
    std::string words = year ? year_to_words(value) : cardinal(*number);
    // Decades and plurals: "1990s", "90s".
    if (plain_integer && end < text.size() && text[end] == 's' &&
        (end + 1 >= text.size() || !is_alnum(text[end + 1]))) {
      words = pluralize(std::move(words));
      ++end;
    }
    out += words;
    i = end;
  }
  return out;
}

std::string prepare_for_speech(std::string_view text) { return normalize_for_speech(util::strip_markdown(text)); }

}  // namespace lv::tts
