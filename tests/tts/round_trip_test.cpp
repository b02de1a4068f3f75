// Speech made by the flite engine, recognized by pocketsphinx, must give back the words that were spoken.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "stt/pocketsphinx_stt.h"
#include "stt/wer.h"
#include "tts/flite_engine.h"
#include "tts/text_normalizer.h"

namespace lv::tts {
namespace {

FliteEngine& flite() {
  static FliteEngine engine("slt");
  return engine;
}

stt::PocketsphinxStt& recognizer() {
  static stt::PocketsphinxStt engine;
  return engine;
}

TEST(TtsRoundTrip, FliteSpeechIsRecognizedAsTheInputText) {
  const std::vector<std::string> commands{
      "turn on the kitchen lights",
      "what is the weather like today",
      "play some music in the living room",
      "call my mother tomorrow morning",
  };
  stt::WordErrors total;
  for (const auto& command : commands) {
    const auto speech = synthesize_to_buffer(flite(), command);
    const auto transcript = recognizer().transcribe(speech.audio);
    total += stt::word_errors(command, transcript.text);
    RecordProperty(command, transcript.text);
  }
  EXPECT_LT(total.rate(), 0.25) << total.errors() << " errors in " << total.reference_words << " words";
}

TEST(TtsRoundTrip, UnitsAreSpokenAsWords) {
  // Without normalization flite says "min"; the recognizer must hear the unit's full name.
  const std::string spoken = prepare_for_speech("Boil the eggs for **10 min** please");
  ASSERT_EQ(spoken, "Boil the eggs for ten minutes please");
  const auto transcript = recognizer().transcribe(synthesize_to_buffer(flite(), spoken).audio);
  const auto words = stt::normalize_words(transcript.text);
  EXPECT_NE(std::find(words.begin(), words.end(), "minutes"), words.end()) << transcript.text;
}

}  // namespace
}  // namespace lv::tts
