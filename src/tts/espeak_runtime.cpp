#include "tts/espeak_runtime.h"

#include <algorithm>
#include <cstring>

#include <espeak-ng/speak_lib.h>

#include "util/error.h"

namespace lv::tts {

namespace {

// The library's own state is process-wide; this mirrors it (see EspeakLock), and is only touched with the
// lock held.
struct EspeakState {
  std::mutex mutex;
  bool initialized = false;
  int sample_rate_hz = 0;
  std::string voice;
  int rate_wpm = 0;
};

EspeakState& state() {
  static EspeakState instance;
  return instance;
}

// Reached from espeak's C callback through the user_data pointer given to espeak_Synth.
struct SynthContext {
  const std::function<bool(std::span<const short>)>* on_audio = nullptr;
  std::stop_token stop;
  bool stopped = false;
};

int on_espeak_audio(short* wav, int sample_count, espeak_EVENT* events) {
  auto* context = events != nullptr ? static_cast<SynthContext*>(events->user_data) : nullptr;
  if (context == nullptr || wav == nullptr) {
    return 0;  // end of synthesis
  }
  if (context->stop.stop_requested()) {
    context->stopped = true;
    return 1;
  }
  if (sample_count > 0 && !(*context->on_audio)(std::span<const short>(wav, static_cast<std::size_t>(sample_count)))) {
    context->stopped = true;
    return 1;
  }
  return 0;
}

}  // namespace

EspeakLock::EspeakLock() : lock_(state().mutex) {
  EspeakState& s = state();
  if (s.initialized) {
    return;
  }
  // 20 ms buffers: the callback (and with it the stop check) runs at least that often.
  const int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 20, nullptr, espeakINITIALIZE_DONT_EXIT);
  if (rate <= 0) {
    throw Error("espeak-ng failed to initialize (its data files were not found)", "install the espeak-ng-data package");
  }
  espeak_SetSynthCallback(on_espeak_audio);
  s.sample_rate_hz = rate;
  s.initialized = true;
}

int EspeakLock::sample_rate_hz() const { return state().sample_rate_hz; }

void EspeakLock::set_voice(std::string_view voice) {
  EspeakState& s = state();
  if (s.voice == voice) {
    return;
  }
  const std::string name(voice);
  if (espeak_SetVoiceByName(name.c_str()) != EE_OK) {
    s.voice.clear();
    throw Error("espeak-ng has no voice '" + name + "'",
                "use a language code such as en-us, en-gb, de, fr, es (`espeak-ng --voices` lists them)");
  }
  s.voice = name;
  s.rate_wpm = 0;  // selecting a voice resets the rate
}

void EspeakLock::set_rate_wpm(int rate_wpm) {
  EspeakState& s = state();
  if (s.rate_wpm != rate_wpm) {
    espeak_SetParameter(espeakRATE, rate_wpm, 0);
    s.rate_wpm = rate_wpm;
  }
}

bool EspeakLock::synthesize(std::string_view text, const std::function<bool(std::span<const short>)>& on_audio,
                            std::stop_token stop) {
  SynthContext context{&on_audio, std::move(stop), false};
  const std::string input(text);
  const espeak_ERROR status = espeak_Synth(input.c_str(), input.size() + 1, 0, POS_CHARACTER, 0,
                                           espeakCHARS_UTF8 | espeakENDPAUSE, nullptr, &context);
  if (status != EE_OK && !context.stopped) {
    throw Error("espeak-ng failed to synthesize text (error " + std::to_string(static_cast<int>(status)) + ")",
                "check that the text is valid UTF-8");
  }
  return context.stopped;
}

std::vector<std::string> EspeakLock::text_to_phonemes(std::string_view text) {
  const std::string input(text);
  std::vector<std::string> clauses;
  const void* cursor = input.c_str();
  while (cursor != nullptr) {
    const char* clause_start = static_cast<const char*>(cursor);
    const char* phonemes = espeak_TextToPhonemes(&cursor, espeakCHARS_UTF8, espeakPHONEMES_IPA);
    // The text consumed for this clause ends with the punctuation that closed it (if any).
    const char* clause_end =
        cursor != nullptr ? static_cast<const char*>(cursor) : clause_start + std::strlen(clause_start);
    // espeak reads a character or two past the clause, so the closing mark is the last punctuation that is
    // followed by whitespace or the end ("Hello world, h" closes with ',').
    const std::string_view consumed(clause_start, static_cast<std::size_t>(clause_end - clause_start));
    char closing = '\0';
    for (std::size_t i = 0; i < consumed.size(); ++i) {
      const bool followed_by_space = i + 1 >= consumed.size() || std::strchr(" \t\r\n", consumed[i + 1]) != nullptr;
      if (std::strchr(",.;:!?", consumed[i]) != nullptr && followed_by_space) {
        closing = consumed[i];
      }
    }
    std::string clause = phonemes != nullptr ? std::string(phonemes) : std::string();
    while (!clause.empty() && clause.back() == ' ') {
      clause.pop_back();
    }
    if (closing != '\0' && !clause.empty()) {
      clause.push_back(closing);
    }
    if (!clause.empty()) {
      clauses.push_back(std::move(clause));
    }
  }
  return clauses;
}

std::vector<std::string> EspeakLock::languages() {
  std::vector<std::string> out;
  const espeak_VOICE** voices = espeak_ListVoices(nullptr);
  for (std::size_t i = 0; voices != nullptr && voices[i] != nullptr; ++i) {
    // `languages` is a list of (priority byte, NUL-terminated name) pairs ending with a zero byte.
    const char* entry = voices[i]->languages;
    while (entry != nullptr && *entry != '\0') {
      const std::string language(entry + 1);
      if (!language.empty() && std::find(out.begin(), out.end(), language) == out.end()) {
        out.push_back(language);
      }
      entry += 1 + language.size() + 1;
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace lv::tts
