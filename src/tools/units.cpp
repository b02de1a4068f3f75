#include "tools/units.h"

#include <array>

#include "util/text.h"

namespace lv::tools {
namespace {

struct UnitSpelling {
  std::string_view words;  // spellings separated by '|'
  std::string_view name;
  Dimension dimension;
  std::string_view factor;  // exact decimal or fraction text, in base units (m, kg, l, s, K)
  std::string_view offset;
};

// Imperial and US customary units by their exact international definitions.
constexpr std::array<UnitSpelling, 24> kUnits = {{
    {"m|meter|meters|metre|metres", "meter", Dimension::length, "1", "0"},
    {"km|kilometer|kilometers|kilometre|kilometres", "kilometer", Dimension::length, "1000", "0"},
    {"cm|centimeter|centimeters|centimetre|centimetres", "centimeter", Dimension::length, "1/100", "0"},
    {"mm|millimeter|millimeters|millimetre|millimetres", "millimeter", Dimension::length, "1/1000", "0"},
    {"mi|mile|miles", "mile", Dimension::length, "201168/125", "0"},  // 1609.344 m
    {"yd|yard|yards", "yard", Dimension::length, "1143/1250", "0"},   // 0.9144 m
    {"ft|foot|feet", "foot", Dimension::length, "381/1250", "0"},     // 0.3048 m
    {"inch|inches", "inch", Dimension::length, "127/5000", "0"},      // 0.0254 m
    {"kg|kilogram|kilograms|kilo|kilos", "kilogram", Dimension::mass, "1", "0"},
    {"g|gram|grams", "gram", Dimension::mass, "1/1000", "0"},
    {"mg|milligram|milligrams", "milligram", Dimension::mass, "1/1000000", "0"},
    {"lb|lbs|pound|pounds", "pound", Dimension::mass, "45359237/100000000", "0"},
    {"oz|ounce|ounces", "ounce", Dimension::mass, "45359237/1600000000", "0"},  // 1/16 lb
    {"l|liter|liters|litre|litres", "liter", Dimension::volume, "1", "0"},
    {"ml|milliliter|milliliters|millilitre|millilitres", "milliliter", Dimension::volume, "1/1000", "0"},
    {"gal|gallon|gallons", "gallon", Dimension::volume, "473176473/125000000", "0"},  // US, 3.785411784 l
    {"cup|cups", "cup", Dimension::volume, "473176473/2000000000", "0"},              // 1/16 gallon
    {"ms|millisecond|milliseconds", "millisecond", Dimension::time, "1/1000", "0"},
    {"s|sec|secs|second|seconds", "second", Dimension::time, "1", "0"},
    {"min|mins|minute|minutes", "minute", Dimension::time, "60", "0"},
    {"h|hr|hrs|hour|hours", "hour", Dimension::time, "3600", "0"},
    {"day|days", "day", Dimension::time, "86400", "0"},
    {"week|weeks", "week", Dimension::time, "604800", "0"},
    {"c|°c|celsius|centigrade", "celsius", Dimension::temperature, "1", "27315/100"},
}};

constexpr std::array<UnitSpelling, 2> kMoreTemperatures = {{
    {"f|°f|fahrenheit", "fahrenheit", Dimension::temperature, "5/9", "45967/100"},
    {"k|kelvin|kelvins", "kelvin", Dimension::temperature, "1", "0"},
}};

bool spelled(std::string_view words, std::string_view word) {
  while (!words.empty()) {
    const auto bar = words.find('|');
    if (words.substr(0, bar) == word) return true;
    if (bar == std::string_view::npos) break;
    words.remove_prefix(bar + 1);
  }
  return false;
}

Unit make(const UnitSpelling& spelling) {
  return Unit{spelling.name, spelling.dimension, Rational(std::string(spelling.factor)),
              Rational(std::string(spelling.offset))};
}

}  // namespace

std::optional<Unit> find_unit(std::string_view word) {
  const std::string lower = util::ascii_lower(word);
  for (const auto& spelling : kUnits) {
    if (spelled(spelling.words, lower)) return make(spelling);
  }
  for (const auto& spelling : kMoreTemperatures) {
    if (spelled(spelling.words, lower)) return make(spelling);
  }
  return std::nullopt;
}

std::string_view dimension_name(Dimension dimension) {
  switch (dimension) {
    case Dimension::length:
      return "length";
    case Dimension::mass:
      return "mass";
    case Dimension::volume:
      return "volume";
    case Dimension::time:
      return "time";
    case Dimension::temperature:
      return "temperature";
  }
  return "quantity";
}

Rational convert(const Rational& value, const Unit& from, const Unit& to) {
  const Rational base = (value + from.offset) * from.factor;
  return base / to.factor - to.offset;
}

}  // namespace lv::tools
