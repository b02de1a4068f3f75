// The voice-session test fixture: a runtime with metrics, fake engines, an event log and ways to speak to it.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "metrics/registry.h"
#include "session/session_harness.h"
#include "session/voice_session.h"
#include "vad/energy_vad.h"

namespace lv::session::test {

using namespace std::chrono_literals;

constexpr double kFeedSpeed = 4.0;  // turn-taking runs on stream time, so input may arrive faster than real time

inline std::size_t word_count(const std::string& text) {
  std::istringstream stream(text);
  std::size_t count = 0;
  for (std::string word; stream >> word;) {
    ++count;
  }
  return count;
}

// The index of the first event satisfying `match` (events.size() when none).
template <typename T>
std::size_t first_index(const std::vector<test::LoggedEvent>& events, const std::function<bool(const T&)>& match = {}) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (const T* event = std::get_if<T>(&events[i].event); event != nullptr && (!match || match(*event))) {
      return i;
    }
  }
  return events.size();
}

template <typename T>
std::size_t last_index(const std::vector<test::LoggedEvent>& events, const std::function<bool(const T&)>& match = {}) {
  std::size_t found = events.size();
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (const T* event = std::get_if<T>(&events[i].event); event != nullptr && (!match || match(*event))) {
      found = i;
    }
  }
  return found;
}

inline std::function<bool(const ReplyDone&)> done_of(TurnId turn) {
  return [turn](const ReplyDone& done) { return done.turn == turn; };
}

class VoiceSessionTest : public ::testing::Test {
 protected:
  std::shared_ptr<metrics::Registry> registry = std::make_shared<metrics::Registry>();
  SessionRuntime runtime{RuntimeOptions{}, registry};
  std::shared_ptr<test::FakeStt> stt = std::make_shared<test::FakeStt>();
  std::shared_ptr<test::FakeLlm> llm = std::make_shared<test::FakeLlm>();
  std::shared_ptr<test::FakeTts> tts = std::make_shared<test::FakeTts>();
  std::shared_ptr<test::FakeContext> context = std::make_shared<test::FakeContext>();
  std::shared_ptr<test::FakeHistory> history = std::make_shared<test::FakeHistory>();
  EventLog log;
  VoiceSessionPtr session;

  void SetUp() override { tts->ms_per_word = 40; }

  SessionEngines engines() const {
    SessionEngines out;
    out.vad = std::make_shared<vad::EnergyVad>();
    out.stt = stt;
    out.llm = llm;
    out.tts = tts;
    out.stt_name = "fake-stt";
    out.llm_name = "fake-llm";
    out.tts_name = "fake-tts";
    return out;
  }

  void open(SessionOptions options = test::fast_options(), std::optional<SessionEngines> with = std::nullopt) {
    session = create_voice_session(runtime, with ? *with : engines(), std::move(options), log.sink(), history, "s1");
    session->start();
    ASSERT_TRUE(log.wait_for_event<SessionStarted>());
  }

  // One spoken question: a 200 Hz tone the fake recognizer hears as "what time is it".
  void say(double hz = 200, double seconds = 0.8, double speed = kFeedSpeed) {
    test::feed(*session, quiet(0.2) + tone(seconds, hz) + quiet(0.9), speed);
  }

  // Waits for the end of a turn: its metrics come right after its ReplyDone.
  bool wait_done(TurnId turn, std::chrono::milliseconds timeout = 10s) {
    return log.wait_for_event<TurnMetrics>(timeout, [turn](const TurnMetrics& m) { return m.turn == turn; });
  }

  void TearDown() override {
    if (session) {
      session->close();
    }
    EXPECT_FALSE(log.overlapped()) << "the sink was called concurrently";
  }
};

}  // namespace lv::session::test
