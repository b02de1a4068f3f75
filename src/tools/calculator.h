// Exact arithmetic and unit conversion on text: "0.1 + 0.2", "(2 + 3) ^ 2 % 7", "5 km in miles",
// "72 fahrenheit in celsius". A recursive-descent parser over rationals; nothing is evaluated any other way.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tools/units.h"

namespace lv::tools {

struct Calculation {
  Rational value;
  std::optional<Unit> unit;  // the target unit of a conversion
  std::string text;          // value as decimal text: exact when it terminates, else rounded to 10 places
  bool exact = true;         // text is the value exactly
};

// Grammar: expression [unit (in|to|as|into) unit], where
//   expression = term {(+|-) term};  term = unary {(*|/|%) unary};  unary = (-|+) unary | power;
//   power = primary [^ unary];  primary = number | ( expression ).
// Throws lv::Error for bad input, naming the position (from 1): "unexpected ')' at position 7",
// "division by zero", "cannot convert kilometer (length) to pound (mass)".
Calculation calculate(std::string_view input);

// `value` as decimal text: every digit when the expansion ends within 30 places, else rounded to `places`.
std::string decimal_text(const Rational& value, int places, bool* exact = nullptr);

}  // namespace lv::tools
