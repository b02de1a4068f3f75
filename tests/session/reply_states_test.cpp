// The reply's state machine: the table in the code is the one in docs/architecture.md, an illegal event is
// ignored, and real sessions (fake engines) take every documented transition.
#include "session/reply_states.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "session/doc_transitions.h"
#include "session/voice_session_fixture.h"

namespace lv::session {
namespace {

using namespace lv::session::test;  // the fixture, fakes and speech fixtures
using lv::test::DocTransition;

constexpr const char* kHeading = "### Reply states";

DocTransition row(ReplyState from, ReplyEvent event, ReplyState to) {
  return {std::string(name(from)), std::string(name(event)), std::string(name(to))};
}

std::string describe(const DocTransition& step) {
  return std::get<0>(step) + " --" + std::get<1>(step) + "--> " + std::get<2>(step);
}

std::set<DocTransition> code_transitions() {
  std::set<DocTransition> out;
  for (const auto& step : reply_transitions()) {
    out.insert(row(step.from, step.event, step.to));
  }
  return out;
}

TEST(ReplyStates, TheCodeTableIsTheDocumentedTable) {
  const auto documented = lv::test::doc_transitions(kHeading);
  const auto coded = code_transitions();
  EXPECT_EQ(coded.size(), reply_transitions().size()) << "a transition is listed twice";
  for (const auto& step : coded) {
    EXPECT_TRUE(documented.contains(step)) << "not in docs/architecture.md: " << describe(step);
  }
  for (const auto& step : documented) {
    EXPECT_TRUE(coded.contains(step)) << "documented but not in the code: " << describe(step);
  }
}

TEST(ReplyStates, AnIllegalEventIsIgnored) {
  ReplyMachine machine(kReplyMachineName, reply_transitions(), ReplyState::idle);
  EXPECT_FALSE(machine.fire(ReplyEvent::drained));
  EXPECT_TRUE(machine.in(ReplyState::idle));
  EXPECT_TRUE(machine.fire(ReplyEvent::start));
  EXPECT_FALSE(machine.fire(ReplyEvent::resume));
  EXPECT_TRUE(machine.in(ReplyState::thinking));
  EXPECT_TRUE(machine.fire(ReplyEvent::cancel));
  EXPECT_FALSE(machine.fire(ReplyEvent::frame_sent)) << "a cancelled reply stays cancelled";
  EXPECT_TRUE(machine.in(ReplyState::cancelled));
}

// Records the reply machine's transitions of every session it is given to.
class TransitionLog {
 public:
  TransitionListener listener() {
    return [this](std::string_view machine, std::string_view from, std::string_view event, std::string_view to) {
      if (machine != kReplyMachineName) {
        return;
      }
      std::lock_guard lock(mutex_);
      seen_.emplace(std::string(from), std::string(event), std::string(to));
    };
  }
  std::set<DocTransition> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  bool saw(const DocTransition& step) const {
    std::lock_guard lock(mutex_);
    return seen_.contains(step);
  }

 private:
  mutable std::mutex mutex_;
  std::set<DocTransition> seen_;
};

using S = ReplyState;
using E = ReplyEvent;

class ReplyStatesTest : public VoiceSessionTest {
 protected:
  TransitionLog transitions;
  std::unique_ptr<EventLog> events;
  VoiceSessionPtr live;

  void SetUp() override {
    VoiceSessionTest::SetUp();
    tts->ms_per_word = 100;
  }

  // A fresh session (the last one is closed) whose transitions go to `transitions`.
  void begin(SessionOptions options = test::fast_options(), std::optional<SessionEngines> with = std::nullopt) {
    end();
    events = std::make_unique<EventLog>();
    live = create_voice_session(runtime, with ? *with : engines(), std::move(options), events->sink(), history, "s",
                                transitions.listener());
    live->start();
    ASSERT_TRUE(events->wait_for_event<SessionStarted>());
  }
  void end() {
    if (live) {
      live->close();
      live.reset();
    }
  }
  bool done(TurnId turn, std::chrono::milliseconds timeout = 15s) const {
    return events->wait_for_event<TurnMetrics>(timeout, [turn](const TurnMetrics& m) { return m.turn == turn; });
  }
  ReplyStatus status(TurnId turn) const {
    for (const auto& reply : events->all<ReplyDone>()) {
      if (reply.turn == turn) {
        return reply.status;
      }
    }
    return ReplyStatus::failed;
  }
  void TearDown() override {
    end();
    VoiceSessionTest::TearDown();
  }

  void normal_reply() {
    begin();
    live->push_text("hello");
    ASSERT_TRUE(done(1));
    EXPECT_EQ(status(1), ReplyStatus::completed);
    EXPECT_TRUE(transitions.saw(row(S::idle, E::start, S::thinking)));
    EXPECT_TRUE(transitions.saw(row(S::thinking, E::frame_sent, S::speaking)));
    EXPECT_TRUE(transitions.saw(row(S::speaking, E::drained, S::done)));
  }

  void text_only_reply() {
    auto with = engines();
    with.tts = nullptr;
    begin(test::fast_options(), with);
    live->push_text("hello");
    ASSERT_TRUE(done(1));
    EXPECT_TRUE(events->all<ReplyAudio>().empty());
    EXPECT_TRUE(transitions.saw(row(S::thinking, E::drained, S::done)));
  }

  void tts_failure() {
    begin();
    tts->fail = true;
    live->push_text("hello");
    ASSERT_TRUE(done(1));
    tts->fail = false;
    EXPECT_EQ(status(1), ReplyStatus::completed);
    EXPECT_TRUE(events->all<ReplyAudio>().empty());
  }

  void llm_failure_and_timeout() {
    begin();
    llm->mode = FakeLlm::Mode::throw_error;
    live->push_text("hello");
    ASSERT_TRUE(done(1));
    EXPECT_EQ(status(1), ReplyStatus::failed);
    EXPECT_FALSE(events->all<ReplyAudio>().empty()) << "the apology is spoken";
    auto options = test::fast_options();
    options.llm_first_token_timeout_ms = 300;
    begin(options);
    llm->mode = FakeLlm::Mode::hang;
    live->push_text("hello");
    ASSERT_TRUE(done(1));
    llm->mode = FakeLlm::Mode::answer;
    EXPECT_EQ(status(1), ReplyStatus::failed);
  }

  void new_turn_replacing_a_reply() {
    begin();
    llm->mode = FakeLlm::Mode::hang;  // the first reply is still thinking when the second message comes
    live->push_text("first");
    ASSERT_TRUE(events->wait_for_event<ReplyStarted>());
    llm->mode = FakeLlm::Mode::answer;
    live->push_text("second");
    ASSERT_TRUE(done(2));
    EXPECT_EQ(status(1), ReplyStatus::interrupted);
    EXPECT_TRUE(transitions.saw(row(S::thinking, E::cancel, S::cancelled)));

    begin(test::paced_options());
    live->push_text("tell me a story");
    ASSERT_TRUE(events->wait_for_event<ReplyAudio>(5s));
    live->push_text("something else");
    ASSERT_TRUE(done(2));
    EXPECT_EQ(status(1), ReplyStatus::interrupted);
    EXPECT_TRUE(transitions.saw(row(S::speaking, E::cancel, S::cancelled)));
  }

  void barge_in_confirmed() {
    begin(test::paced_options());
    live->push_text("tell me a story");
    ASSERT_TRUE(events->wait_for_event<ReplyAudio>(5s));
    std::this_thread::sleep_for(700ms);
    test::feed(*live, tone(0.8, 400) + quiet(0.9));  // "stop please", in real time
    ASSERT_TRUE(done(1));
    EXPECT_EQ(status(1), ReplyStatus::interrupted);
    EXPECT_TRUE(transitions.saw(row(S::speaking, E::barge_in, S::paused)));
    EXPECT_TRUE(transitions.saw(row(S::paused, E::cancel, S::cancelled)));
  }

  void false_interruption_resumes() {
    begin(test::paced_options());
    live->push_text("tell me a story");
    ASSERT_TRUE(events->wait_for_event<ReplyAudio>(5s));
    std::this_thread::sleep_for(900ms);
    test::feed(*live, tone(0.5, 1000) + quiet(0.4));  // a noise the recognizer finds no words in
    ASSERT_TRUE(done(1, 20s));
    EXPECT_EQ(status(1), ReplyStatus::completed);
    EXPECT_FALSE(events->all<PlaybackFlush>().empty()) << "the noise paused the reply";
    EXPECT_TRUE(transitions.saw(row(S::paused, E::resume, S::speaking)));
  }

  void false_interruption_before_any_audio() {
    auto options = test::paced_options();
    options.llm_first_token_timeout_ms = 2500;  // no answer comes: the reply thinks until then
    begin(options);
    llm->mode = FakeLlm::Mode::hang;
    live->push_text("hello");
    ASSERT_TRUE(events->wait_for_event<ReplyStarted>());
    test::feed(*live, tone(0.5, 1000) + quiet(0.4));
    ASSERT_TRUE(done(1, 20s));
    llm->mode = FakeLlm::Mode::answer;
    EXPECT_FALSE(events->all<PlaybackFlush>().empty()) << "the noise paused the reply";
    EXPECT_TRUE(transitions.saw(row(S::thinking, E::barge_in, S::paused)));
    EXPECT_TRUE(transitions.saw(row(S::paused, E::resume_before_audio, S::thinking)));
  }
};

TEST_F(ReplyStatesTest, SessionsTakeEveryDocumentedTransition) {
  llm->answer =
      "The first sentence has six words. The second sentence has six words. The third sentence has six words. "
      "The fourth sentence has six words.";
  normal_reply();
  text_only_reply();
  tts_failure();
  llm_failure_and_timeout();
  new_turn_replacing_a_reply();
  barge_in_confirmed();
  false_interruption_resumes();
  false_interruption_before_any_audio();
  end();
  const auto seen = transitions.seen();
  for (const auto& step : lv::test::doc_transitions(kHeading)) {
    EXPECT_TRUE(seen.contains(step)) << "never taken: " << describe(step);
  }
  for (const auto& step : seen) {
    EXPECT_TRUE(code_transitions().contains(step)) << "taken but not in the table: " << describe(step);
  }
}

}  // namespace
}  // namespace lv::session
