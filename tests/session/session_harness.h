// Test harness for voice sessions: an event log with timestamps, a real-time audio feeder, synthetic "speech"
// (tones the energy VAD hears) and scripted fake engines.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "audio/audio_buffer.h"
#include "history/history_recorder.h"
#include "llm/llm_engine.h"
#include "session/context_provider.h"
#include "session/session_events.h"
#include "session/voice_session.h"
#include "stt/stt_engine.h"
#include "tts/tts_engine.h"

namespace lv::session::test {

using Clock = std::chrono::steady_clock;

struct LoggedEvent {
  SessionEvent event;
  Clock::time_point at;
};

// Collects a session's events; checks that the sink is never called concurrently.
class EventLog {
 public:
  EventSink sink();
  std::vector<LoggedEvent> events() const;
  // Waits until `done(events)` holds; false after `timeout`.
  bool wait_for(const std::function<bool(const std::vector<LoggedEvent>&)>& done,
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  // Waits until an event of type T (matching `match`) arrived.
  template <typename T>
  bool wait_for_event(std::chrono::milliseconds timeout = std::chrono::seconds(10),
                      const std::function<bool(const T&)>& match = {}) const {
    return wait_for(
        [&](const std::vector<LoggedEvent>& events) {
          for (const auto& logged : events) {
            if (const T* event = std::get_if<T>(&logged.event); event != nullptr && (!match || match(*event))) {
              return true;
            }
          }
          return false;
        },
        timeout);
  }
  template <typename T>
  std::vector<T> all() const {
    std::vector<T> out;
    for (const auto& logged : events()) {
      if (const T* event = std::get_if<T>(&logged.event)) {
        out.push_back(*event);
      }
    }
    return out;
  }
  bool overlapped() const { return overlapped_; }
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<LoggedEvent> events_;
  std::atomic<bool> inside_{false};
  std::atomic<bool> overlapped_{false};
};

// Event names in order, e.g. "StateChanged:thinking", "ReplyAudio" (consecutive audio frames collapsed).
std::vector<std::string> event_names(const std::vector<LoggedEvent>& events);
std::string joined(const std::vector<std::string>& names);

// Synthetic input at 16 kHz: a tone the energy VAD takes for speech (the fake STT maps its pitch to words).
audio::AudioBuffer tone(double seconds, double frequency_hz, float amplitude = 0.3F);
audio::AudioBuffer quiet(double seconds);
audio::AudioBuffer operator+(const audio::AudioBuffer& a, const audio::AudioBuffer& b);

// Pushes `audio` (16 kHz mono) as PCM16 frames of `frame_ms`, `speed` times faster than real time (0: at once).
void feed(VoiceSession& session, const audio::AudioBuffer& audio, double speed = 1.0, int frame_ms = 20);

// Speech-to-text that hears tone pitch: each frequency band maps to a phrase (unknown pitches: nothing).
class FakeStt final : public stt::SttEngine {
 public:
  std::map<int, std::string> words_by_hz = {{200, "what time is it"}, {400, "stop please"}, {600, "tell me more"}};
  std::chrono::milliseconds delay{5};
  std::atomic<bool> fail{false};
  std::atomic<bool> hang{false};  // waits for the stop token
  mutable std::atomic<int> calls{0};

  stt::SttCapabilities capabilities() const override;
  stt::Transcript transcribe(const audio::AudioBuffer& audio, const stt::TranscribeOptions& options = {},
                             std::stop_token stop = {}) const override;
};

// A language model that streams a scripted answer word by word.
class FakeLlm final : public llm::LlmEngine {
 public:
  enum class Mode { answer, throw_error, finish_error, hang, die_midway };
  std::string answer = "It is half past nine. The weather is fine today. Anything else?";
  std::chrono::milliseconds per_word{2};
  std::atomic<Mode> mode{Mode::answer};
  std::atomic<int> sessions_created{0};
  mutable std::mutex mutex;
  std::vector<std::vector<llm::ChatMessage>> requests;

  llm::LlmSessionPtr create_session() override;
  llm::LlmCapabilities capabilities() const override { return {}; }
  std::string model_name() const override { return "fake"; }
};

// Speech synthesis: `ms_per_word` of a 300 Hz tone per word, in 40 ms chunks.
class FakeTts final : public tts::TtsEngine {
 public:
  int ms_per_word = 150;
  int rate_hz = 16000;
  std::atomic<bool> fail{false};
  std::atomic<int> calls{0};

  std::string name() const override { return "fake-tts"; }
  const tts::TtsCapabilities& capabilities() const override { return capabilities_; }
  int sample_rate_hz(std::string_view) const override { return rate_hz; }

 protected:
  bool do_synthesize(std::string_view text, const tts::SynthesisOptions& options, const tts::AudioSink& emit,
                     std::stop_token stop) override;

 private:
  tts::TtsCapabilities capabilities_{false, {16000}, {"en"}, {"default"}};
};

class FakeContext final : public ContextProvider {
 public:
  std::vector<Passage> passages;
  std::chrono::milliseconds delay{0};
  std::vector<Passage> retrieve(std::string_view query, std::stop_token stop) override;
  std::string speakable_answer(std::string_view, const Passage& passage) override {
    return "From your notes: " + passage.text;
  }
};

class FakeHistory final : public history::HistoryRecorder {
 public:
  mutable std::mutex mutex;
  std::vector<history::SessionRecord> sessions;
  std::vector<history::TurnRecord> turns;
  std::vector<std::string> ended;
  void record_session(const history::SessionRecord& session) override;
  void record_turn(const history::TurnRecord& turn) override;
  void end_session(const std::string& session_id, std::int64_t ended_at_ms) override;
};

// Options that keep tests quick: short silences and timeouts.
SessionOptions fast_options();
// The same with reply audio paced like real playout (200 ms lead).
SessionOptions paced_options();

}  // namespace lv::session::test
