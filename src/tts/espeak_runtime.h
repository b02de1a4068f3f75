// Serialized access to libespeak-ng, whose voice, callback and buffers are global to the whole process.
#pragma once

#include <functional>
#include <mutex>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace lv::tts {

// Holds the process-wide espeak-ng lock for its lifetime and initializes the library on first use
// (synchronous output into memory). espeak-ng keeps the selected voice, the synthesis callback, rate and
// its phoneme buffers in global variables, so two threads using it at once would corrupt each other's
// speech: every call into the library goes through one of these objects. Hold one only briefly.
class EspeakLock {
 public:
  EspeakLock();  // blocks until the lock is free; throws lv::Error when espeak-ng cannot initialize
  EspeakLock(const EspeakLock&) = delete;
  EspeakLock& operator=(const EspeakLock&) = delete;

  int sample_rate_hz() const;
  // Selects a voice by name or language ("en-us", "de", "fr"); throws lv::Error naming it when unknown.
  void set_voice(std::string_view voice);
  // Speaking rate in words per minute (espeak's default is 175).
  void set_rate_wpm(int rate_wpm);
  // Synthesizes UTF-8 text; `on_audio` gets int16 chunks and returns false to stop. Returns true when
  // stopped early (by `on_audio` or the stop token, checked at every chunk of about 20 ms of audio).
  bool synthesize(std::string_view text, const std::function<bool(std::span<const short>)>& on_audio,
                  std::stop_token stop);
  // IPA phonemes for text in the selected voice's language, one string per clause with the clause's
  // closing punctuation appended (",", ".", "?", ...), as Piper voices expect.
  std::vector<std::string> text_to_phonemes(std::string_view text);
  // Language codes of all installed voices ("en-us", "de", ...).
  std::vector<std::string> languages();

 private:
  std::unique_lock<std::mutex> lock_;
};

}  // namespace lv::tts
