#include "tools/calculator.h"

#include <cctype>
#include <vector>

#include "util/error.h"

namespace lv::tools {
namespace {

using boost::multiprecision::cpp_int;

constexpr int kMaxExponent = 4096;
constexpr std::size_t kMaxResultBits = 1 << 16;
constexpr int kExactPlaces = 30;

enum class Kind { number, word, symbol, end };

struct Token {
  Kind kind = Kind::end;
  std::string text;
  std::size_t position = 0;  // 1-based column of the first character
};

[[noreturn]] void fail(const std::string& problem) {
  throw Error(problem, "write arithmetic with + - * / ^ % and parentheses, or a conversion like '5 km in miles'");
}

bool is_word_char(unsigned char c) { return std::isalpha(c) != 0 || c >= 0x80; }

std::vector<Token> tokenize(std::string_view input) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < input.size()) {
    const auto c = static_cast<unsigned char>(input[i]);
    if (std::isspace(c) != 0 || c == ',') {
      ++i;
      continue;
    }
    Token token;
    token.position = i + 1;
    if (std::isdigit(c) != 0 || (c == '.' && i + 1 < input.size() && std::isdigit(input[i + 1]) != 0)) {
      token.kind = Kind::number;
      bool dot = false;
      while (i < input.size() &&
             (std::isdigit(static_cast<unsigned char>(input[i])) != 0 || (input[i] == '.' && !dot))) {
        dot = dot || input[i] == '.';
        token.text += input[i++];
      }
    } else if (is_word_char(c)) {
      token.kind = Kind::word;
      while (i < input.size() && is_word_char(static_cast<unsigned char>(input[i]))) token.text += input[i++];
    } else if (std::string_view("+-*/^%()").find(static_cast<char>(c)) != std::string_view::npos) {
      token.kind = Kind::symbol;
      token.text = std::string(1, static_cast<char>(c));
      ++i;
      // "**" is a power, as in many languages.
      if (c == '*' && i < input.size() && input[i] == '*') {
        token.text = "^";
        ++i;
      }
    } else {
      fail("unexpected '" + std::string(1, static_cast<char>(c)) + "' at position " + std::to_string(i + 1));
    }
    tokens.push_back(std::move(token));
  }
  tokens.push_back(Token{Kind::end, "", input.size() + 1});
  return tokens;
}

Rational parse_number(const std::string& text) {
  const auto dot = text.find('.');
  if (dot == std::string::npos) return Rational(cpp_int(text));
  const std::string whole = text.substr(0, dot);
  const std::string fraction = text.substr(dot + 1);
  const cpp_int scale = boost::multiprecision::pow(cpp_int(10), static_cast<unsigned>(fraction.size()));
  const cpp_int digits(whole.empty() && fraction.empty() ? "0" : (whole.empty() ? "0" : whole) + fraction);
  return Rational(digits, scale);
}

Rational floor_of(const Rational& value) {
  cpp_int quotient = boost::multiprecision::numerator(value) / boost::multiprecision::denominator(value);
  if (value < 0 && Rational(quotient) != value) quotient -= 1;
  return Rational(quotient);
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Calculation run() {
    Calculation result;
    Rational value = expression();
    if (peek().kind == Kind::word) {
      std::optional<Unit> from = unit();
      const Token& keyword = next();
      if (keyword.kind != Kind::word ||
          (keyword.text != "in" && keyword.text != "to" && keyword.text != "as" && keyword.text != "into")) {
        unexpected(keyword, "; write 'in' between the units, e.g. '5 km in miles'");
      }
      const std::optional<Unit> to = unit();
      if (from->dimension != to->dimension) {
        fail("cannot convert " + std::string(from->name) + " (" + std::string(dimension_name(from->dimension)) +
             ") to " + std::string(to->name) + " (" + std::string(dimension_name(to->dimension)) + ")");
      }
      value = convert(value, *from, *to);
      result.unit = to;
    }
    if (peek().kind != Kind::end) unexpected(peek());
    result.value = value;
    result.text = decimal_text(value, 10, &result.exact);
    return result;
  }

 private:
  const Token& peek() const { return tokens_[pos_]; }
  const Token& next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool accept(std::string_view symbol) {
    if (peek().kind == Kind::symbol && peek().text == symbol) {
      ++pos_;
      return true;
    }
    return false;
  }

  [[noreturn]] static void unexpected(const Token& token, std::string_view hint = {}) {
    if (token.kind == Kind::end) fail("the expression ends too early" + std::string(hint));
    fail("unexpected '" + token.text + "' at position " + std::to_string(token.position) + std::string(hint));
  }

  std::optional<Unit> unit() {
    const Token& first = next();
    if (first.kind != Kind::word) unexpected(first, "; a unit was expected");
    const Token* word = &first;
    // "degrees Celsius": the first word only says it is a temperature.
    if ((first.text == "degree" || first.text == "degrees") && peek().kind == Kind::word) word = &next();
    auto found = find_unit(word->text);
    if (!found) fail("unknown unit '" + word->text + "' at position " + std::to_string(word->position));
    return found;
  }

  Rational expression() {
    Rational value = term();
    while (true) {
      if (accept("+")) {
        value += term();
      } else if (accept("-")) {
        value -= term();
      } else {
        return value;
      }
    }
  }

  Rational term() {
    Rational value = unary();
    while (true) {
      if (accept("*")) {
        value *= unary();
      } else if (peek().kind == Kind::symbol && (peek().text == "/" || peek().text == "%")) {
        const bool modulo = next().text == "%";
        const Rational divisor = unary();
        if (divisor == 0) fail(modulo ? "modulo by zero" : "division by zero");
        value = modulo ? value - divisor * floor_of(value / divisor) : value / divisor;
      } else {
        return value;
      }
      check_size(value);
    }
  }

  Rational unary() {
    if (accept("-")) return -unary();
    if (accept("+")) return unary();
    return power();
  }

  Rational power() {
    Rational base = primary();
    if (!accept("^")) return base;
    const std::size_t at = peek().position;
    const Rational exponent = unary();
    if (boost::multiprecision::denominator(exponent) != 1) {
      fail("the exponent at position " + std::to_string(at) + " must be a whole number for an exact result");
    }
    if (exponent > kMaxExponent || exponent < -kMaxExponent) {
      fail("the exponent at position " + std::to_string(at) + " is too large (at most " + std::to_string(kMaxExponent) +
           ")");
    }
    const int n = static_cast<int>(boost::multiprecision::numerator(exponent));
    if (base == 0 && n < 0) fail("division by zero (0 to a negative power)");
    const auto magnitude = static_cast<unsigned>(n < 0 ? -n : n);
    Rational result(boost::multiprecision::pow(boost::multiprecision::numerator(base), magnitude),
                    boost::multiprecision::pow(boost::multiprecision::denominator(base), magnitude));
    check_size(result);
    return n < 0 ? Rational(1) / result : result;
  }

  Rational primary() {
    const Token& token = next();
    if (token.kind == Kind::number) {
      if (token.text.back() == '.') return parse_number(token.text + "0");
      return parse_number(token.text);
    }
    if (token.kind == Kind::symbol && token.text == "(") {
      Rational value = expression();
      if (!accept(")")) unexpected(peek(), "; a ')' was expected");
      return value;
    }
    unexpected(token);
  }

  static void check_size(const Rational& value) {
    if (boost::multiprecision::msb(boost::multiprecision::abs(boost::multiprecision::numerator(value)) + 1) >
            kMaxResultBits ||
        boost::multiprecision::msb(boost::multiprecision::denominator(value)) > kMaxResultBits) {
      fail("the result is too large to compute exactly");
    }
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string decimal_text(const Rational& value, int places, bool* exact) {
  const bool negative = value < 0;
  const Rational magnitude = negative ? Rational(-value) : value;
  cpp_int denominator = boost::multiprecision::denominator(magnitude);
  // The expansion ends exactly when the denominator has no prime factors but 2 and 5.
  cpp_int rest = denominator;
  int twos = 0;
  int fives = 0;
  while (rest % 2 == 0) {
    rest /= 2;
    ++twos;
  }
  while (rest % 5 == 0) {
    rest /= 5;
    ++fives;
  }
  const int needed = std::max(twos, fives);
  const bool terminates = rest == 1 && needed <= kExactPlaces;
  const int digits = terminates ? needed : places;
  const cpp_int scale = boost::multiprecision::pow(cpp_int(10), static_cast<unsigned>(digits));
  const cpp_int numerator = boost::multiprecision::numerator(magnitude) * scale;
  cpp_int scaled = numerator / denominator;
  // Round half up on the dropped digits.
  if (!terminates && (numerator % denominator) * 2 >= denominator) scaled += 1;
  std::string text = scaled.str();
  if (digits > 0) {
    if (text.size() <= static_cast<std::size_t>(digits))
      text.insert(0, static_cast<std::size_t>(digits) + 1 - text.size(), '0');
    text.insert(text.size() - static_cast<std::size_t>(digits), ".");
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  if (exact != nullptr) *exact = terminates;
  if (negative && text != "0") text.insert(0, "-");
  return text;
}

Calculation calculate(std::string_view input) {
  if (input.find_first_not_of(" \t\r\n") == std::string_view::npos) fail("the expression is empty");
  Parser parser(tokenize(input));
  return parser.run();
}

}  // namespace lv::tools
