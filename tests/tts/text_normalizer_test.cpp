#include "tts/text_normalizer.h"

#include <gtest/gtest.h>

namespace lv::tts {
namespace {

TEST(NumberToWords, CardinalNumbers) {
  EXPECT_EQ(number_to_words(0), "zero");
  EXPECT_EQ(number_to_words(7), "seven");
  EXPECT_EQ(number_to_words(13), "thirteen");
  EXPECT_EQ(number_to_words(42), "forty-two");
  EXPECT_EQ(number_to_words(100), "one hundred");
  EXPECT_EQ(number_to_words(115), "one hundred fifteen");
  EXPECT_EQ(number_to_words(999), "nine hundred ninety-nine");
  EXPECT_EQ(number_to_words(1000), "one thousand");
  EXPECT_EQ(number_to_words(1234), "one thousand two hundred thirty-four");
  EXPECT_EQ(number_to_words(1000001), "one million one");
  EXPECT_EQ(number_to_words(2'500'000'000ULL), "two billion five hundred million");
}

TEST(NumberToWords, Ordinals) {
  EXPECT_EQ(ordinal_to_words(1), "first");
  EXPECT_EQ(ordinal_to_words(2), "second");
  EXPECT_EQ(ordinal_to_words(3), "third");
  EXPECT_EQ(ordinal_to_words(9), "ninth");
  EXPECT_EQ(ordinal_to_words(12), "twelfth");
  EXPECT_EQ(ordinal_to_words(20), "twentieth");
  EXPECT_EQ(ordinal_to_words(22), "twenty-second");
  EXPECT_EQ(ordinal_to_words(100), "one hundredth");
  EXPECT_EQ(ordinal_to_words(101), "one hundred first");
}

TEST(NumberToWords, Years) {
  EXPECT_EQ(year_to_words(1984), "nineteen eighty-four");
  EXPECT_EQ(year_to_words(1900), "nineteen hundred");
  EXPECT_EQ(year_to_words(1905), "nineteen oh five");
  EXPECT_EQ(year_to_words(2005), "two thousand five");
  EXPECT_EQ(year_to_words(2024), "twenty twenty-four");
  EXPECT_EQ(year_to_words(2000), "two thousand");
}

TEST(NormalizeForSpeech, PlainNumbersDecimalsAndNegatives) {
  EXPECT_EQ(normalize_for_speech("I have 3 cats."), "I have three cats.");
  EXPECT_EQ(normalize_for_speech("It has 1,234 pages"), "It has one thousand two hundred thirty-four pages");
  EXPECT_EQ(normalize_for_speech("Pi is 3.14."), "Pi is three point one four.");
  EXPECT_EQ(normalize_for_speech("It is -4 outside"), "It is minus four outside");
  EXPECT_EQ(normalize_for_speech("Agent 007"), "Agent zero zero seven");
  EXPECT_EQ(normalize_for_speech("1, 2, 3"), "one, two, three");
}

TEST(NormalizeForSpeech, YearsAndDecades) {
  EXPECT_EQ(normalize_for_speech("Born in 1984."), "Born in nineteen eighty-four.");
  EXPECT_EQ(normalize_for_speech("Music of the 1990s"), "Music of the nineteen nineties");
  EXPECT_EQ(normalize_for_speech("in 2024"), "in twenty twenty-four");
  EXPECT_EQ(normalize_for_speech("about 5000 people"), "about five thousand people");
}

TEST(NormalizeForSpeech, Ordinals) {
  EXPECT_EQ(normalize_for_speech("the 1st and 22nd of May, 3rd place, 4th try"),
            "the first and twenty-second of May, third place, fourth try");
  EXPECT_EQ(normalize_for_speech("the 11th hour"), "the eleventh hour");
}

TEST(NormalizeForSpeech, Times) {
  EXPECT_EQ(normalize_for_speech("Meet at 3:30 pm."), "Meet at three thirty pee em.");
  EXPECT_EQ(normalize_for_speech("at 7:05AM"), "at seven oh five ay em");
  EXPECT_EQ(normalize_for_speech("at 10:00"), "at ten o'clock");
  EXPECT_EQ(normalize_for_speech("at 9:00 a.m. sharp"), "at nine ay em sharp");
  EXPECT_EQ(normalize_for_speech("It ends at 5 p.m. Then"), "It ends at five p.m. Then");
  EXPECT_EQ(normalize_for_speech("Leave at 3:15 p.m. Then"), "Leave at three fifteen pee em. Then");
  EXPECT_EQ(normalize_for_speech("at 15:45"), "at fifteen forty-five");
  EXPECT_EQ(normalize_for_speech("a ratio of 16:9"), "a ratio of sixteen:nine");
}

TEST(NormalizeForSpeech, Currency) {
  EXPECT_EQ(normalize_for_speech("It costs $12."), "It costs twelve dollars.");
  EXPECT_EQ(normalize_for_speech("only $1"), "only one dollar");
  EXPECT_EQ(normalize_for_speech("$3.50 each"), "three dollars and fifty cents each");
  EXPECT_EQ(normalize_for_speech("$0.99"), "ninety-nine cents");
  EXPECT_EQ(normalize_for_speech("$1.01"), "one dollar and one cent");
  EXPECT_EQ(normalize_for_speech("\u20AC5 or \u20AC1"), "five euros or one euro");
  EXPECT_EQ(normalize_for_speech("\u00A33.20"), "three pounds and twenty pence");
  EXPECT_EQ(normalize_for_speech("\u00A5100"), "one hundred yen");
  EXPECT_EQ(normalize_for_speech("$2.5 million"), "two point five million dollars");
  EXPECT_EQ(normalize_for_speech("a $5k bonus"), "a five thousand dollars bonus");
  EXPECT_EQ(normalize_for_speech("$1,000,000"), "one million dollars");
  EXPECT_EQ(normalize_for_speech("down -$5"), "down minus five dollars");
  EXPECT_EQ(normalize_for_speech("a $ sign"), "a $ sign");
}

TEST(NormalizeForSpeech, Percentages) {
  EXPECT_EQ(normalize_for_speech("50% off"), "fifty percent off");
  EXPECT_EQ(normalize_for_speech("up 3.5%."), "up three point five percent.");
}

TEST(NormalizeForSpeech, Units) {
  EXPECT_EQ(normalize_for_speech("3.5 km away"), "three point five kilometers away");
  EXPECT_EQ(normalize_for_speech("10 kg"), "ten kilograms");
  EXPECT_EQ(normalize_for_speech("1 km"), "one kilometer");
  EXPECT_EQ(normalize_for_speech("5 \u00B0C today"), "five degrees Celsius today");
  EXPECT_EQ(normalize_for_speech("72\u00B0F"), "seventy-two degrees Fahrenheit");
  EXPECT_EQ(normalize_for_speech("100 km/h"), "one hundred kilometers per hour");
  EXPECT_EQ(normalize_for_speech("16 GB of RAM"), "sixteen gigabytes of RAM");
  EXPECT_EQ(normalize_for_speech("200 ms"), "two hundred milliseconds");
  EXPECT_EQ(normalize_for_speech("wait 5 s"), "wait five seconds");
  EXPECT_EQ(normalize_for_speech("5 mice"), "five mice");  // not "5 m" + "ice"
  EXPECT_EQ(normalize_for_speech("2 min"), "two minutes");
}

TEST(NormalizeForSpeech, LeavesNonNumbersAlone) {
  EXPECT_EQ(normalize_for_speech("Play an mp3 on A4 paper"), "Play an mp3 on A4 paper");
  EXPECT_EQ(normalize_for_speech("version 1.2.3 at 192.168.0.1"), "version 1.2.3 at 192.168.0.1");
  EXPECT_EQ(normalize_for_speech("Tom & Jerry"), "Tom and Jerry");
  EXPECT_EQ(normalize_for_speech("R&D"), "R&D");
  EXPECT_EQ(normalize_for_speech("Caf\u00E9 \u4F60\u597D"), "Caf\u00E9 \u4F60\u597D");
  EXPECT_EQ(normalize_for_speech(""), "");
}

TEST(NormalizeForSpeech, HugeNumbersAreReadDigitByDigit) {
  EXPECT_EQ(normalize_for_speech("12345678901234567890123"),
            "one two three four five six seven eight nine zero one two three four five six seven eight nine zero "
            "one two three");
}

TEST(PrepareForSpeech, StripsMarkdownThenNormalizes) {
  EXPECT_EQ(prepare_for_speech("# Price\n**$12** for 2 kg"), "Price\ntwelve dollars for two kilograms");
}

}  // namespace
}  // namespace lv::tts
