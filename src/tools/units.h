// Units the calculator converts between: length, mass, volume, time and temperature, exactly (as rationals).
#pragma once

#include <boost/multiprecision/cpp_int.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace lv::tools {

using Rational = boost::multiprecision::cpp_rational;

enum class Dimension { length, mass, volume, time, temperature };

// value in base units = (value + offset) * factor; the offset is non-zero only for temperatures.
struct Unit {
  std::string_view name;  // the spelling results use: "mile", "celsius"
  Dimension dimension = Dimension::length;
  Rational factor;
  Rational offset;
};

// The unit a word names ("km", "miles", "Fahrenheit", "°C"), or nullopt. Case does not matter.
std::optional<Unit> find_unit(std::string_view word);
std::string_view dimension_name(Dimension dimension);

// `value` in `from` expressed in `to`; the dimensions must match (the caller checks).
Rational convert(const Rational& value, const Unit& from, const Unit& to);

}  // namespace lv::tools
