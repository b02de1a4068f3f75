#include "spoken_questions.h"

#include "stt/speech_fixtures.h"

namespace lv::bench {

const std::vector<std::string>& spoken_questions() {
  static const std::vector<std::string> questions = {
      "what is the weather like today", "turn on the kitchen light",     "how far away is the moon", "what time is it",
      "set an alarm for seven",         "can you play some music please"};
  return questions;
}

audio::AudioBuffer question_recording(std::size_t first, std::size_t count, double gap_s, const std::string& voice) {
  const auto& questions = spoken_questions();
  auto audio = test::silence(0.4);
  for (std::size_t i = 0; i < count; ++i) {
    audio = test::concat(audio, test::flite_speech(questions[(first + i) % questions.size()], voice));
    audio = test::concat(audio, test::silence(gap_s));
  }
  return audio;
}

}  // namespace lv::bench
