#include "session/session_harness.h"

#include <cmath>
#include <numbers>
#include <sstream>
#include <variant>

#include "audio/pcm.h"
#include "util/error.h"

namespace lv::session::test {

namespace {

template <typename... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <typename... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::string name_of(const SessionEvent& event) {
  return std::visit(Overloaded{
                        [](const SessionStarted&) { return std::string("SessionStarted"); },
                        [](const StateChanged& e) { return "StateChanged:" + std::string(state_name(e.state)); },
                        [](const SpeechStarted&) { return std::string("SpeechStarted"); },
                        [](const SpeechStopped&) { return std::string("SpeechStopped"); },
                        [](const TranscriptPartial&) { return std::string("TranscriptPartial"); },
                        [](const TranscriptFinal&) { return std::string("TranscriptFinal"); },
                        [](const ReplyStarted&) { return std::string("ReplyStarted"); },
                        [](const ReplyTextDelta&) { return std::string("ReplyTextDelta"); },
                        [](const ReplySentence&) { return std::string("ReplySentence"); },
                        [](const ReplyAudio&) { return std::string("ReplyAudio"); },
                        [](const PlaybackFlush&) { return std::string("PlaybackFlush"); },
                        [](const Citations&) { return std::string("Citations"); },
                        [](const ReplyDone& e) { return "ReplyDone:" + std::string(status_name(e.status)); },
                        [](const TurnMetrics&) { return std::string("TurnMetrics"); },
                        [](const SessionError& e) { return "SessionError:" + e.code; },
                    },
                    event);
}

// Dominant frequency of the loud part of a signal, from its zero crossings (digital silence has none).
double pitch_hz(const audio::AudioBuffer& audio) {
  std::size_t loud = 0;
  std::size_t crossings = 0;
  float previous = 0;
  for (const float sample : audio.samples) {
    if (std::fabs(sample) > 0.01F) {
      ++loud;
    }
    if ((previous > 0) != (sample > 0) && std::max(std::fabs(previous), std::fabs(sample)) > 0.001F) {
      ++crossings;
    }
    previous = sample;
  }
  if (loud < static_cast<std::size_t>(audio.sample_rate_hz / 10)) {
    return 0;
  }
  // A sine at 0.3 spends about 2% of its samples under 0.01.
  const double tone_s = static_cast<double>(loud) / audio.sample_rate_hz / 0.979;
  return static_cast<double>(crossings) / 2.0 / tone_s;
}

}  // namespace

EventSink EventLog::sink() {
  return [this](SessionEvent event) {
    if (inside_.exchange(true)) {
      overlapped_ = true;
    }
    {
      std::lock_guard lock(mutex_);
      events_.push_back({std::move(event), Clock::now()});
    }
    inside_ = false;
    changed_.notify_all();
  };
}

std::vector<LoggedEvent> EventLog::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

std::size_t EventLog::size() const {
  std::lock_guard lock(mutex_);
  return events_.size();
}

bool EventLog::wait_for(const std::function<bool(const std::vector<LoggedEvent>&)>& done,
                        std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return done(events_); });
}

std::vector<std::string> event_names(const std::vector<LoggedEvent>& events) {
  std::vector<std::string> names;
  for (const auto& logged : events) {
    std::string name = name_of(logged.event);
    if ((name == "ReplyAudio" || name == "ReplyTextDelta" || name == "TranscriptPartial") && !names.empty() &&
        names.back() == name) {
      continue;
    }
    names.push_back(std::move(name));
  }
  return names;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    out += out.empty() ? "" : " ";
    out += name;
  }
  return out;
}

audio::AudioBuffer tone(double seconds, double frequency_hz, float amplitude) {
  audio::AudioBuffer out;
  const auto count = static_cast<std::size_t>(seconds * out.sample_rate_hz);
  out.samples.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    out.samples[i] = amplitude * static_cast<float>(std::sin(2.0 * std::numbers::pi * frequency_hz *
                                                             static_cast<double>(i) / out.sample_rate_hz));
  }
  return out;
}

audio::AudioBuffer quiet(double seconds) {
  audio::AudioBuffer out;
  out.samples.assign(static_cast<std::size_t>(seconds * out.sample_rate_hz), 0.0F);
  return out;
}

audio::AudioBuffer operator+(const audio::AudioBuffer& a, const audio::AudioBuffer& b) {
  audio::AudioBuffer out = a;
  out.samples.insert(out.samples.end(), b.samples.begin(), b.samples.end());
  return out;
}

void feed(VoiceSession& session, const audio::AudioBuffer& audio, double speed, int frame_ms) {
  const std::vector<std::int16_t> pcm = audio::float_to_pcm16(audio.samples);
  const auto frame = static_cast<std::size_t>(audio.sample_rate_hz * frame_ms / 1000);
  const auto start = Clock::now();
  std::size_t frames = 0;
  for (std::size_t at = 0; at < pcm.size(); at += frame) {
    const std::size_t count = std::min(frame, pcm.size() - at);
    session.push_audio(std::span<const std::int16_t>(pcm.data() + at, count));
    ++frames;
    if (speed > 0) {
      std::this_thread::sleep_until(
          start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(
                      static_cast<double>(frame_ms) * static_cast<double>(frames) / speed)));
    }
  }
}

stt::SttCapabilities FakeStt::capabilities() const {
  stt::SttCapabilities capabilities;
  capabilities.name = "fake";
  return capabilities;
}

stt::Transcript FakeStt::transcribe(const audio::AudioBuffer& audio, const stt::TranscribeOptions&,
                                    std::stop_token stop) const {
  ++calls;
  const auto until = Clock::now() + delay;
  while (Clock::now() < until || hang) {
    if (stop.stop_requested()) {
      throw stt::Cancelled();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (fail) {
    throw Error("the fake recognizer failed", "none: it is a test");
  }
  stt::Transcript transcript;
  const double hz = pitch_hz(audio);
  for (const auto& [band_hz, words] : words_by_hz) {
    if (std::fabs(hz - band_hz) < 50) {
      transcript.text = words;
    }
  }
  return transcript;
}

namespace {

class FakeLlmSession final : public llm::LlmSession {
 public:
  explicit FakeLlmSession(FakeLlm& engine) : engine_(engine) {}

  llm::ChatResult chat(const std::vector<llm::ChatMessage>& messages, const llm::ChatOptions&,
                       const llm::DeltaCallback& on_delta, std::stop_token stop) override {
    {
      std::lock_guard lock(engine_.mutex);
      engine_.requests.push_back(messages);
    }
    llm::ChatResult result;
    const auto mode = engine_.mode.load();
    if (mode == FakeLlm::Mode::throw_error) {
      throw Error("the fake model server is unreachable", "start it");
    }
    if (mode == FakeLlm::Mode::finish_error) {
      result.finish_reason = llm::FinishReason::error;
      result.error = "the server closed the stream";
      return result;
    }
    if (mode == FakeLlm::Mode::hang) {
      while (!stop.stop_requested()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      result.finish_reason = llm::FinishReason::cancelled;
      return result;
    }
    std::istringstream words(engine_.answer);
    std::string word;
    bool first = true;
    int count = 0;
    while (words >> word) {
      if (stop.stop_requested()) {
        result.finish_reason = llm::FinishReason::cancelled;
        return result;
      }
      if (mode == FakeLlm::Mode::die_midway && count == 3) {
        result.finish_reason = llm::FinishReason::error;
        result.error = "the server died mid-answer";
        return result;
      }
      std::this_thread::sleep_for(engine_.per_word);
      const std::string piece = (first ? "" : " ") + word;
      first = false;
      on_delta(llm::ChatDelta{piece, {}});
      result.content += piece;
      ++count;
    }
    result.timings.prompt_tokens = static_cast<int>(messages.size()) * 10;
    result.timings.completion_tokens = count;
    return result;
  }

 private:
  FakeLlm& engine_;
};

}  // namespace

llm::LlmSessionPtr FakeLlm::create_session() {
  ++sessions_created;
  return std::make_unique<FakeLlmSession>(*this);
}

bool FakeTts::do_synthesize(std::string_view text, const tts::SynthesisOptions&, const tts::AudioSink& emit,
                            std::stop_token stop) {
  ++calls;
  if (fail) {
    throw Error("the fake voice failed", "none: it is a test");
  }
  std::size_t words = 0;
  std::istringstream stream{std::string(text)};
  for (std::string word; stream >> word;) {
    ++words;
  }
  const auto total = static_cast<std::size_t>(rate_hz) * static_cast<std::size_t>(ms_per_word) * words / 1000;
  const std::size_t chunk = static_cast<std::size_t>(rate_hz) * 40 / 1000;
  std::vector<float> samples(chunk);
  for (std::size_t at = 0; at < total; at += chunk) {
    if (stop.stop_requested()) {
      return true;
    }
    for (std::size_t i = 0; i < chunk; ++i) {
      samples[i] =
          0.2F * static_cast<float>(std::sin(2.0 * std::numbers::pi * 300.0 * static_cast<double>(at + i) / rate_hz));
    }
    if (!emit(std::span<const float>(samples.data(), std::min(chunk, total - at)))) {
      return true;
    }
  }
  return false;
}

std::vector<Passage> FakeContext::retrieve(std::string_view, std::stop_token stop) {
  const auto until = Clock::now() + delay;
  while (Clock::now() < until && !stop.stop_requested()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return passages;
}

void FakeHistory::record_session(const history::SessionRecord& session) {
  std::lock_guard lock(mutex);
  sessions.push_back(session);
}

void FakeHistory::record_turn(const history::TurnRecord& turn) {
  std::lock_guard lock(mutex);
  turns.push_back(turn);
}

void FakeHistory::end_session(const std::string& session_id, std::int64_t) {
  std::lock_guard lock(mutex);
  ended.push_back(session_id);
}

SessionOptions fast_options() {
  SessionOptions options;
  options.turn_taking.min_speech_ms = 150;
  options.turn_taking.end_of_turn_silence_ms = 400;
  options.turn_taking.min_interruption_ms = 300;
  options.turn_taking.false_interruption_timeout_ms = 800;
  options.output_sample_rate_hz = 16000;
  // Reply audio goes out as fast as it is made; tests of pacing and barge-in use paced_options().
  options.playback_lead_ms = 10000;
  options.stt_timeout_ms = 3000;
  options.llm_first_token_timeout_ms = 3000;
  options.llm_total_timeout_ms = 10000;
  options.tts_timeout_ms = 3000;
  return options;
}

SessionOptions paced_options() {
  SessionOptions options = fast_options();
  options.playback_lead_ms = 200;
  return options;
}

}  // namespace lv::session::test
