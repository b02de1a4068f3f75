#include "app/conversation_runner.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "audio/pcm.h"
#include "audio/resampler.h"
#include "util/clock.h"

namespace lv::app {
namespace {

using Clock = std::chrono::steady_clock;

// A client's speaker: frames play back to back from when they arrive; a flush drops what has not played.
class SimulatedSpeaker {
 public:
  void play(session::TurnId turn, double arrived_ms, const std::vector<std::int16_t>& samples, int rate_hz) {
    if (rate_hz_ == 0) {
      rate_hz_ = rate_hz;
    }
    const double start_ms = std::max(arrived_ms, cursor_ms_);
    const double duration_ms = 1000.0 * static_cast<double>(samples.size()) / rate_hz_;
    frames_.push_back({turn, start_ms, audio::pcm16_to_float(samples)});
    cursor_ms_ = start_ms + duration_ms;
  }

  void flush(session::TurnId turn, double at_ms) {
    std::erase_if(frames_, [&](const Frame& frame) { return frame.turn == turn && frame.start_ms >= at_ms; });
    for (auto& frame : frames_) {
      const double end_ms = frame.start_ms + 1000.0 * static_cast<double>(frame.samples.size()) / rate_hz_;
      if (frame.turn == turn && end_ms > at_ms) {
        frame.samples.resize(static_cast<std::size_t>((at_ms - frame.start_ms) * rate_hz_ / 1000.0));
      }
    }
    cursor_ms_ = std::min(cursor_ms_, at_ms);
  }

  audio::AudioBuffer render(double length_ms) const {
    audio::AudioBuffer out;
    out.sample_rate_hz = rate_hz_ == 0 ? 24000 : rate_hz_;
    double end_ms = length_ms;
    for (const auto& frame : frames_) {
      end_ms =
          std::max(end_ms, frame.start_ms + 1000.0 * static_cast<double>(frame.samples.size()) / out.sample_rate_hz);
    }
    out.samples.assign(static_cast<std::size_t>(end_ms * out.sample_rate_hz / 1000.0) + 1, 0.0F);
    for (const auto& frame : frames_) {
      const auto offset = static_cast<std::size_t>(frame.start_ms * out.sample_rate_hz / 1000.0);
      for (std::size_t i = 0; i < frame.samples.size() && offset + i < out.samples.size(); ++i) {
        out.samples[offset + i] += frame.samples[i];
      }
    }
    return out;
  }

 private:
  struct Frame {
    session::TurnId turn = 0;
    double start_ms = 0;
    std::vector<float> samples;
  };
  std::vector<Frame> frames_;
  double cursor_ms_ = 0;
  int rate_hz_ = 0;
};

class Collector {
 public:
  explicit Collector(Clock::time_point start) : start_(start) {}

  void on_event(session::SessionEvent event) {
    const std::lock_guard lock(mutex_);
    const double at_ms = util::ms_since(start_);
    last_event_ms_ = at_ms;
    if (const auto* audio = std::get_if<session::ReplyAudio>(&event)) {
      speaker_.play(audio->turn, at_ms, audio->samples, audio->sample_rate_hz);
      ++audio_frames_;
      return;
    }
    if (const auto* flush = std::get_if<session::PlaybackFlush>(&event)) {
      speaker_.flush(flush->turn, at_ms);
    }
    if (const auto* state = std::get_if<session::StateChanged>(&event)) {
      state_ = state->state;
    }
    events_.push_back({at_ms, std::move(event)});
  }

  // Listening (or idle) with no event for `quiet_ms`.
  bool settled(double now_ms, double quiet_ms) const {
    const std::lock_guard lock(mutex_);
    const bool resting = state_ == session::AgentState::listening || state_ == session::AgentState::idle;
    return resting && now_ms - last_event_ms_ >= quiet_ms;
  }

  ConversationResult take(double input_ms) {
    const std::lock_guard lock(mutex_);
    ConversationResult result;
    result.events = std::move(events_);
    result.audio_frames = audio_frames_;
    result.input_ms = input_ms;
    result.speaker = speaker_.render(last_event_ms_);
    return result;
  }

 private:
  Clock::time_point start_;
  mutable std::mutex mutex_;
  std::vector<TimedEvent> events_;
  SimulatedSpeaker speaker_;
  std::size_t audio_frames_ = 0;
  double last_event_ms_ = 0;
  session::AgentState state_ = session::AgentState::idle;
};

}  // namespace

ConversationResult run_conversation(const std::function<session::VoiceSessionPtr(session::EventSink sink)>& create,
                                    const audio::AudioBuffer& input, const ConversationOptions& options) {
  const auto start = Clock::now();
  auto collector = std::make_shared<Collector>(start);
  auto session = create([collector](session::SessionEvent event) { collector->on_event(std::move(event)); });
  const int rate_hz = session->options().input_sample_rate_hz;
  const auto mono = audio::to_mono(input, rate_hz);
  const auto pcm = audio::float_to_pcm16(mono.samples);
  const std::size_t frame_samples = static_cast<std::size_t>(rate_hz) / 50;  // 20 ms
  session->start();

  const auto elapsed_ms = [&] { return util::ms_since(start); };
  const std::vector<std::int16_t> silence(frame_samples, 0);
  const double input_ms = 1000.0 * static_cast<double>(pcm.size()) / rate_hz;
  bool timed_out = true;
  for (std::size_t frame = 0;; ++frame) {
    std::this_thread::sleep_until(start + std::chrono::milliseconds(20 * frame));
    const std::size_t offset = frame * frame_samples;
    if (offset < pcm.size()) {
      const std::size_t count = std::min(frame_samples, pcm.size() - offset);
      session->push_audio(std::span<const std::int16_t>(pcm).subspan(offset, count));
      continue;
    }
    session->push_audio(silence);
    const double now_ms = elapsed_ms();
    if (collector->settled(now_ms, options.quiet_ms)) {
      timed_out = false;
      break;
    }
    if (now_ms > input_ms + options.max_wait_after_input_ms) {
      break;
    }
  }
  session->close();
  auto result = collector->take(input_ms);
  result.timed_out = timed_out;
  return result;
}

}  // namespace lv::app
