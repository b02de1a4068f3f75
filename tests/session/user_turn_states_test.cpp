// The user turn's state machine: the table in the code is the one in docs/architecture.md, and real sessions
// (fake engines) take every documented transition.
#include "session/user_turn.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <set>
#include <string>

#include "session/doc_transitions.h"
#include "session/voice_session_fixture.h"

namespace lv::session {
namespace {

using namespace lv::session::test;  // the fixture, fakes and speech fixtures
using lv::test::DocTransition;

constexpr const char* kHeading = "### User turn states";

std::set<DocTransition> code_transitions() {
  std::set<DocTransition> out;
  for (const auto& step : kUserTurnTransitions) {
    out.emplace(std::string(name(step.from)), std::string(name(step.event)), std::string(name(step.to)));
  }
  return out;
}

std::string describe(const DocTransition& step) {
  return std::get<0>(step) + " --" + std::get<1>(step) + "--> " + std::get<2>(step);
}

TEST(UserTurnStates, TheCodeTableIsTheDocumentedTable) {
  const auto documented = lv::test::doc_transitions(kHeading);
  const auto coded = code_transitions();
  EXPECT_EQ(coded.size(), kUserTurnTransitions.size()) << "a transition is listed twice";
  for (const auto& step : coded) {
    EXPECT_TRUE(documented.contains(step)) << "not in docs/architecture.md: " << describe(step);
  }
  for (const auto& step : documented) {
    EXPECT_TRUE(coded.contains(step)) << "documented but not in the code: " << describe(step);
  }
}

TEST(UserTurnStates, AnIllegalEventIsIgnored) {
  UserTurn turn(1, 0, {});
  EXPECT_FALSE(turn.machine.fire(UserTurnEvent::transcript));
  EXPECT_TRUE(turn.machine.in(UserTurnState::listening));
  EXPECT_TRUE(turn.machine.fire(UserTurnEvent::speech_began));
  EXPECT_FALSE(turn.machine.fire(UserTurnEvent::words_heard));
  EXPECT_TRUE(turn.machine.in(UserTurnState::user_speaking));
}

// Records the user turn's transitions of every session it is given to.
class TransitionLog {
 public:
  TransitionListener listener() {
    return [this](std::string_view machine, std::string_view from, std::string_view event, std::string_view to) {
      if (machine != kUserTurnMachineName) {
        return;
      }
      std::lock_guard lock(mutex_);
      seen_.emplace(std::string(from), std::string(event), std::string(to));
      changed_.notify_all();
    };
  }
  bool wait_for(const DocTransition& step, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return seen_.contains(step); });
  }
  std::set<DocTransition> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::set<DocTransition> seen_;
};

// Every scenario runs in its own session of one fixture; the transitions of all of them are pooled.
class UserTurnScenarios : public VoiceSessionTest {
 protected:
  void SetUp() override {
    tts->ms_per_word = 100;
    llm->answer =
        "The first sentence has six words. The second sentence has six words. The third sentence has six words. "
        "The fourth sentence has six words.";
  }

  void open_observed(SessionOptions options = test::fast_options()) {
    if (session) {
      session->close();
    }
    stt->fail = false;
    stt->hang = false;
    stt->delay = 5ms;
    log_ = std::make_unique<EventLog>();
    session = create_voice_session(runtime, engines(), std::move(options), log_->sink(), history, "s1",
                                   transitions.listener());
    session->start();
    ASSERT_TRUE(log_->wait_for_event<SessionStarted>());
  }

  // A long reply to a typed message, with its audio playing.
  void start_speaking() {
    session->push_text("tell me a story");
    ASSERT_TRUE(log_->wait_for_event<ReplyAudio>(5s));
    std::this_thread::sleep_for(500ms);
  }
  bool wait_flush() { return log_->wait_for_event<PlaybackFlush>(5s); }
  bool wait_stopped(TurnId turn) {
    return log_->wait_for_event<SpeechStopped>(5s, [turn](const SpeechStopped& s) { return s.turn == turn; });
  }
  bool wait_turn_done(TurnId turn) {
    return log_->wait_for_event<TurnMetrics>(15s, [turn](const TurnMetrics& m) { return m.turn == turn; });
  }
  // Options for a barge-in whose outcome the transcript decides, not the timeout.
  static SessionOptions slow_timeout() {
    SessionOptions options = test::paced_options();
    options.turn_taking.false_interruption_timeout_ms = 5000;
    return options;
  }

  TransitionLog transitions;
  std::unique_ptr<EventLog> log_;
};

DocTransition step(const char* from, const char* event, const char* to) { return {from, event, to}; }

TEST_F(UserTurnScenarios, EveryDocumentedTransitionIsTaken) {
  // A normal turn.
  open_observed();
  test::feed(*session, quiet(0.2) + tone(0.8, 200) + quiet(0.9), kFeedSpeed);
  ASSERT_TRUE(wait_turn_done(1));
  EXPECT_TRUE(transitions.wait_for(step("transcribing", "transcript", "listening")));

  // Speech the recognizer finds no words in.
  open_observed();
  test::feed(*session, quiet(0.2) + tone(0.8, 1000) + quiet(0.9), kFeedSpeed);
  EXPECT_TRUE(transitions.wait_for(step("transcribing", "no_words", "listening")));

  // Push-to-talk: commit ends the turn without the silence.
  auto push_to_talk = test::fast_options();
  push_to_talk.turn_taking.end_of_turn_silence_ms = 8000;
  open_observed(push_to_talk);
  test::feed(*session, quiet(0.2) + tone(0.8, 200) + quiet(0.1), kFeedSpeed);
  ASSERT_TRUE(log_->wait_for_event<SpeechStarted>(3s));
  session->commit_input();
  ASSERT_TRUE(wait_turn_done(1));

  // A failing recognizer.
  open_observed();
  stt->fail = true;
  test::feed(*session, quiet(0.2) + tone(0.8, 200) + quiet(0.9), kFeedSpeed);
  EXPECT_TRUE(transitions.wait_for(step("transcribing", "stt_failed", "listening")));

  // Speech while the last transcript is pending becomes the next turn.
  open_observed();
  stt->delay = 700ms;
  test::feed(*session, quiet(0.2) + tone(0.8, 200) + quiet(0.5) + tone(1.2, 400) + quiet(1.0), 1.0);
  EXPECT_TRUE(transitions.wait_for(step("transcribing", "speech_began", "transcribing")));
  ASSERT_TRUE(wait_turn_done(2));

  // A typed message while the user speaks, and while the transcript is pending.
  open_observed();
  test::feed(*session, quiet(0.2) + tone(0.6, 200), kFeedSpeed);
  ASSERT_TRUE(log_->wait_for_event<SpeechStarted>(3s));
  session->push_text("never mind");
  EXPECT_TRUE(transitions.wait_for(step("user_speaking", "text_input", "listening")));
  open_observed();
  stt->hang = true;
  test::feed(*session, quiet(0.2) + tone(0.8, 200) + quiet(0.9), kFeedSpeed);
  ASSERT_TRUE(wait_stopped(1));
  session->push_text("never mind");
  EXPECT_TRUE(transitions.wait_for(step("transcribing", "text_input", "listening")));

  // A barge-in confirmed by words, then a turn of its own.
  open_observed(test::paced_options());
  start_speaking();
  test::feed(*session, tone(0.8, 400) + quiet(0.9));
  EXPECT_TRUE(transitions.wait_for(step("interrupting", "words_heard", "user_speaking")));
  ASSERT_TRUE(wait_turn_done(2));

  // Words that arrive after the interrupting speech ended.
  open_observed(slow_timeout());
  start_speaking();
  stt->delay = 1200ms;
  test::feed(*session, tone(0.5, 400) + quiet(0.9));
  EXPECT_TRUE(transitions.wait_for(step("confirming", "words_heard", "transcribing")));
  ASSERT_TRUE(wait_turn_done(2));

  // A false interruption found by the timeout while the noise goes on.
  open_observed(test::paced_options());
  start_speaking();
  test::feed(*session, tone(1.5, 1000) + quiet(0.5));
  EXPECT_TRUE(transitions.wait_for(step("interrupting", "false_interruption", "listening")));

  // ... and by an empty transcript.
  open_observed(slow_timeout());
  start_speaking();
  test::feed(*session, tone(0.5, 1000) + quiet(0.9));
  EXPECT_TRUE(transitions.wait_for(step("confirming", "no_words", "listening")));

  // ... and by the timeout while the transcript is pending.
  auto pending = test::paced_options();
  pending.turn_taking.false_interruption_timeout_ms = 1500;
  open_observed(pending);
  start_speaking();
  stt->hang = true;
  test::feed(*session, tone(0.5, 1000) + quiet(0.9));
  EXPECT_TRUE(transitions.wait_for(step("confirming", "false_interruption", "listening")));

  // A recognizer that hangs during a barge-in: more speech is held, then the deadline gives up.
  auto hanging = slow_timeout();
  hanging.stt_timeout_ms = 1500;
  open_observed(hanging);
  start_speaking();
  stt->hang = true;
  test::feed(*session, tone(0.5, 1000) + quiet(0.6));
  ASSERT_TRUE(wait_stopped(2));
  test::feed(*session, tone(0.4, 200) + quiet(0.2));
  EXPECT_TRUE(transitions.wait_for(step("confirming", "speech_began", "confirming")));
  EXPECT_TRUE(transitions.wait_for(step("confirming", "stt_failed", "listening")));

  // The client stops the reply during a barge-in: while the user speaks, and after.
  open_observed(slow_timeout());
  start_speaking();
  stt->fail = true;                       // no words decide it
  test::feed(*session, tone(1.0, 1000));  // no silence: the user is still speaking
  ASSERT_TRUE(wait_flush());
  session->interrupt();
  EXPECT_TRUE(transitions.wait_for(step("interrupting", "agent_stopped", "user_speaking")));
  open_observed(slow_timeout());
  start_speaking();
  stt->hang = true;
  test::feed(*session, tone(0.5, 1000) + quiet(0.6));
  ASSERT_TRUE(wait_stopped(2));
  session->interrupt();
  EXPECT_TRUE(transitions.wait_for(step("confirming", "agent_stopped", "transcribing")));

  // A typed message during a barge-in: while the user speaks, and after.
  open_observed(slow_timeout());
  start_speaking();
  stt->fail = true;
  test::feed(*session, tone(1.0, 1000));  // no silence: the user is still speaking
  ASSERT_TRUE(wait_flush());
  session->push_text("something else");
  EXPECT_TRUE(transitions.wait_for(step("interrupting", "text_input", "listening")));
  open_observed(slow_timeout());
  start_speaking();
  stt->hang = true;
  test::feed(*session, tone(0.5, 1000) + quiet(0.6));
  ASSERT_TRUE(wait_stopped(2));
  session->push_text("something else");
  EXPECT_TRUE(transitions.wait_for(step("confirming", "text_input", "listening")));
  session->close();

  const auto seen = transitions.seen();
  for (const auto& documented : lv::test::doc_transitions(kHeading)) {
    EXPECT_TRUE(seen.contains(documented)) << "never taken: " << describe(documented);
  }
}

}  // namespace
}  // namespace lv::session
