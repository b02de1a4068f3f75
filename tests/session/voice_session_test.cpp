#include "session/voice_session.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <sstream>
#include <thread>

#include "session/voice_session_fixture.h"
#include "util/error.h"

namespace lv::session {
namespace {

using namespace lv::session::test;  // the fixture, fakes and speech fixtures

TEST_F(VoiceSessionTest, SpokenTurnGoesThroughEveryStageInProtocolOrder) {
  open();
  say();
  ASSERT_TRUE(wait_done(1));
  ASSERT_TRUE(log.wait_for_event<StateChanged>(
      2s, [](const StateChanged& e) { return e.turn == 1 && e.state == AgentState::listening; }));
  const auto events = log.events();
  const std::string names = test::joined(test::event_names(events));
  // The fixed skeleton of a turn (text deltas and sentences interleave, so they are checked separately).
  EXPECT_THAT(names, ::testing::StartsWith("SessionStarted StateChanged:listening SpeechStarted "
                                           "StateChanged:user_speaking"));
  const auto at = [&](auto tag, std::function<bool(const decltype(tag)&)> match = {}) {
    return first_index<decltype(tag)>(events, match);
  };
  const std::size_t stopped = at(SpeechStopped{});
  const std::size_t final_text = at(TranscriptFinal{});
  const std::size_t thinking =
      at(StateChanged{}, [](const StateChanged& e) { return e.state == AgentState::thinking; });
  const std::size_t started = at(ReplyStarted{});
  const std::size_t delta = at(ReplyTextDelta{});
  const std::size_t sentence = at(ReplySentence{});
  const std::size_t speaking =
      at(StateChanged{}, [](const StateChanged& e) { return e.state == AgentState::speaking; });
  const std::size_t audio = at(ReplyAudio{});
  const std::size_t done = at(ReplyDone{});
  const std::size_t metrics_at = at(TurnMetrics{});
  const std::size_t listening = last_index<StateChanged>(events);
  EXPECT_LT(stopped, final_text);
  EXPECT_LT(final_text, thinking);
  EXPECT_LT(thinking, started);
  EXPECT_LT(started, delta);
  EXPECT_LT(delta, sentence);
  EXPECT_LT(sentence, speaking);
  EXPECT_LT(speaking, audio);
  EXPECT_LT(audio, done);
  EXPECT_LT(last_index<ReplyAudio>(events), done);
  EXPECT_LT(done, metrics_at);
  EXPECT_LT(metrics_at, listening);

  EXPECT_EQ(log.all<TranscriptFinal>().at(0).text, "what time is it");
  const ReplyDone reply = log.all<ReplyDone>().at(0);
  EXPECT_EQ(reply.status, ReplyStatus::completed);
  EXPECT_EQ(reply.text_generated, llm->answer);
  EXPECT_EQ(reply.text_heard, llm->answer);

  // Frames: 20 ms at the output rate, numbered from 0 with matching timestamps; every event names turn 1.
  const auto frames = log.all<ReplyAudio>();
  ASSERT_FALSE(frames.empty());
  for (std::size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(frames[i].turn, 1U);
    EXPECT_EQ(frames[i].seq, i);
    EXPECT_DOUBLE_EQ(frames[i].timestamp_ms, 20.0 * static_cast<double>(i));
    EXPECT_EQ(frames[i].sample_rate_hz, 16000);
    EXPECT_EQ(frames[i].samples.size(), 320U);
  }
  const auto sentences = log.all<ReplySentence>();
  ASSERT_EQ(sentences.size(), 3U);
  EXPECT_EQ(sentences[0].first_seq, 0U);
  EXPECT_EQ(sentences[1].text, "The weather is fine today.");
  EXPECT_GT(sentences[1].first_seq, sentences[0].first_seq);

  // The model saw the system prompt and the question.
  {
    std::lock_guard lock(llm->mutex);
    ASSERT_EQ(llm->requests.size(), 1U);
    ASSERT_EQ(llm->requests[0].size(), 2U);
    EXPECT_EQ(llm->requests[0][0].role, llm::ChatRole::system);
    EXPECT_EQ(llm->requests[0][1].content, "what time is it");
  }

  const TurnMetrics metrics = log.all<TurnMetrics>().at(0);
  EXPECT_EQ(metrics.turn, 1U);
  EXPECT_GE(metrics.stt_ms, 0);
  EXPECT_GE(metrics.llm_first_token_ms, 0);
  EXPECT_GE(metrics.first_sentence_ms, metrics.llm_first_token_ms);
  EXPECT_GE(metrics.tts_first_audio_ms, 0);
  EXPECT_GE(metrics.end_to_end_ms, metrics.stt_ms);
  EXPECT_GE(metrics.end_to_end_ms, metrics.stt_ms + metrics.llm_first_token_ms - 1);
  EXPECT_GE(metrics.end_of_turn_silence_ms, 400);
  // The wait for the transcript after the silence: the part of stt_ms the silence did not hide.
  EXPECT_DOUBLE_EQ(metrics.stt_wait_ms, std::max(0.0, metrics.stt_ms - metrics.end_of_turn_silence_ms));
  EXPECT_NEAR(metrics.user_audio_ms, 800, 150);
  EXPECT_DOUBLE_EQ(metrics.reply_audio_ms, 20.0 * static_cast<double>(frames.size()));
  EXPECT_EQ(metrics.retrieval_ms, -1);
  EXPECT_EQ(metrics.completion_tokens, 12);
  EXPECT_EQ(metrics.reply_chars, llm->answer.size());
  EXPECT_FALSE(metrics.interrupted);
  EXPECT_EQ(metrics.stt_engine, "fake-stt");
  EXPECT_EQ(metrics.llm_engine, "fake-llm");
  EXPECT_EQ(metrics.tts_engine, "fake-tts");

  const std::string rendered = registry->render();
  EXPECT_THAT(rendered, ::testing::HasSubstr("localvoice_turn_end_to_end_seconds_count 1"));
  EXPECT_THAT(rendered, ::testing::HasSubstr("localvoice_turn_stt_seconds_count 1"));
  EXPECT_THAT(rendered, ::testing::HasSubstr("localvoice_turns_total{status=\"completed\"} 1"));

  std::lock_guard lock(history->mutex);
  ASSERT_EQ(history->sessions.size(), 1U);
  EXPECT_EQ(history->sessions[0].id, "s1");
  EXPECT_EQ(history->sessions[0].llm_engine, "fake-llm");
  ASSERT_EQ(history->turns.size(), 1U);
  EXPECT_EQ(history->turns[0].user_text, "what time is it");
  EXPECT_EQ(history->turns[0].assistant_text, llm->answer);
  EXPECT_EQ(history->turns[0].status, "completed");
  EXPECT_DOUBLE_EQ(history->turns[0].end_to_end_ms, metrics.end_to_end_ms);
}

TEST_F(VoiceSessionTest, ReplyAudioIsPacedNoFurtherAheadThanThePlaybackLead) {
  auto options = test::paced_options();
  options.playback_lead_ms = 100;
  tts->ms_per_word = 150;
  open(options);
  session->push_text("hello");
  ASSERT_TRUE(wait_done(1));
  const auto events = log.events();
  std::optional<Clock::time_point> first;
  std::size_t checked = 0;
  for (const auto& logged : events) {
    if (const auto* frame = std::get_if<ReplyAudio>(&logged.event)) {
      first = first.value_or(logged.at);
      const double wall_ms = std::chrono::duration<double, std::milli>(logged.at - *first).count();
      // Never sent earlier than `lead` before its playout time (a frame of slack for the clock's rounding).
      EXPECT_LE(frame->timestamp_ms - wall_ms, 100.0 + 20.0) << "frame " << frame->seq;
      ++checked;
    }
  }
  EXPECT_GT(checked, 50U);
}

TEST_F(VoiceSessionTest, OutputIsResampledToTheRequestedRate) {
  auto options = test::fast_options();
  options.output_sample_rate_hz = 24000;
  open(options);
  session->push_text("hello");
  ASSERT_TRUE(wait_done(1));
  const auto frames = log.all<ReplyAudio>();
  ASSERT_FALSE(frames.empty());
  EXPECT_EQ(frames[0].sample_rate_hz, 24000);
  EXPECT_EQ(frames[0].samples.size(), 480U);
}

TEST_F(VoiceSessionTest, TypedMessageIsATurnOfItsOwn) {
  open();
  session->push_text("  what is new  ");
  ASSERT_TRUE(wait_done(1));
  EXPECT_TRUE(log.all<TranscriptFinal>().empty());
  std::lock_guard lock(llm->mutex);
  ASSERT_EQ(llm->requests.size(), 1U);
  EXPECT_EQ(llm->requests[0].back().content, "what is new");
}

TEST_F(VoiceSessionTest, EarlierTurnsAreInThePromptOfTheNextOne) {
  open();
  session->push_text("first question");
  ASSERT_TRUE(wait_done(1));
  session->push_text("second question");
  ASSERT_TRUE(wait_done(2));
  std::lock_guard lock(llm->mutex);
  ASSERT_EQ(llm->requests.size(), 2U);
  const auto& messages = llm->requests[1];
  ASSERT_EQ(messages.size(), 4U);
  EXPECT_EQ(messages[1].content, "first question");
  EXPECT_EQ(messages[2].role, llm::ChatRole::assistant);
  EXPECT_EQ(messages[2].content, llm->answer);
  EXPECT_EQ(messages[3].content, "second question");
  EXPECT_EQ(llm->sessions_created, 1) << "one LlmSession per voice session, kept for cache reuse";
}

TEST_F(VoiceSessionTest, SpeechThatGoesOnAfterAPauseDiscardsTheEarlyTranscript) {
  auto options = test::fast_options();
  options.turn_taking.end_of_turn_silence_ms = 700;
  open(options);
  // The VAD hears the first half end (early transcription: "what time is it"), but the user goes on at another
  // pitch: the whole turn (mixed pitch, heard as "stop please") must be transcribed again.
  test::feed(*session, quiet(0.2) + tone(0.6, 200) + quiet(0.45) + tone(0.6, 600) + quiet(1.2), kFeedSpeed);
  ASSERT_TRUE(wait_done(1));
  const auto finals = log.all<TranscriptFinal>();
  ASSERT_EQ(finals.size(), 1U);
  EXPECT_EQ(finals[0].text, "stop please");
  EXPECT_EQ(log.all<SpeechStarted>().size(), 1U);
}

TEST_F(VoiceSessionTest, SpeechWhileTheLastTranscriptIsPendingBecomesTheNextTurn) {
  stt->delay = 700ms;  // the user starts again before the first turn's transcript is in
  open();
  test::feed(*session, quiet(0.2) + tone(0.8, 200) + quiet(0.5) + tone(1.2, 400) + quiet(1.0), 1.0);
  ASSERT_TRUE(wait_done(2, 15s)) << test::joined(test::event_names(log.events()));
  const auto finals = log.all<TranscriptFinal>();
  ASSERT_EQ(finals.size(), 2U);
  EXPECT_EQ(finals[0].text, "what time is it");
  EXPECT_EQ(finals[1].text, "stop please");
  EXPECT_EQ(finals[1].turn, 2U);
  const auto done = log.all<ReplyDone>();
  ASSERT_EQ(done.size(), 2U);
  EXPECT_EQ(done[0].status, ReplyStatus::interrupted) << "the user went on talking: no answer to the first part";
  EXPECT_EQ(done[1].status, ReplyStatus::completed);
}

TEST_F(VoiceSessionTest, CommitEndsTheTurnWithoutWaitingForSilence) {
  auto options = test::fast_options();
  options.turn_taking.end_of_turn_silence_ms = 8000;
  open(options);
  test::feed(*session, quiet(0.2) + tone(0.8, 200) + quiet(0.1), kFeedSpeed);
  ASSERT_TRUE(log.wait_for_event<SpeechStarted>(3s));
  session->commit_input();
  ASSERT_TRUE(log.wait_for_event<TranscriptFinal>(2s));
  EXPECT_EQ(log.all<TranscriptFinal>()[0].text, "what time is it");
  ASSERT_TRUE(wait_done(1));
}

TEST_F(VoiceSessionTest, ShortNoiseIsNotATurn) {
  open();
  test::feed(*session, quiet(0.2) + tone(0.1, 200) + quiet(1.0), kFeedSpeed);
  std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(log.all<SpeechStarted>().empty());
  EXPECT_EQ(stt->calls, 0);
}

// --- barge-in -------------------------------------------------------------------------------------------------

class BargeInTest : public VoiceSessionTest {
 protected:
  void SetUp() override {
    tts->ms_per_word = 100;
    llm->answer =
        "The first sentence has six words. The second sentence has six words. The third sentence has six words. "
        "The fourth sentence has six words.";
  }
  // Starts a long reply to a typed message and waits until its audio has played for `played`.
  void start_speaking(std::chrono::milliseconds played = 700ms) {
    session->push_text("tell me a story");
    ASSERT_TRUE(log.wait_for_event<ReplyAudio>(5s));
    std::this_thread::sleep_for(played);
  }
};

TEST_F(BargeInTest, SpeechWhileTheAgentSpeaksStopsItAndTheNewTurnGoesOn) {
  open(test::paced_options());
  start_speaking();
  test::feed(*session, tone(0.8, 400) + quiet(0.9));  // "stop please", in real time
  ASSERT_TRUE(wait_done(1));
  ASSERT_TRUE(wait_done(2));
  const auto events = log.events();
  const std::size_t speech = first_index<SpeechStarted>(events);
  const std::size_t flush = first_index<PlaybackFlush>(events);
  const std::size_t done = first_index<ReplyDone>(events, done_of(1));
  EXPECT_LT(speech, flush);
  EXPECT_LT(flush, done);
  EXPECT_EQ(std::get<SpeechStarted>(events[speech].event).turn, 2U);
  EXPECT_EQ(std::get<PlaybackFlush>(events[flush].event).turn, 1U);
  // Not one frame of the interrupted turn after the flush.
  EXPECT_LT(last_index<ReplyAudio>(events, [](const ReplyAudio& a) { return a.turn == 1; }), flush);

  const ReplyDone interrupted = std::get<ReplyDone>(events[done].event);
  EXPECT_EQ(interrupted.status, ReplyStatus::interrupted);
  EXPECT_FALSE(interrupted.text_heard.empty());
  EXPECT_LT(word_count(interrupted.text_heard), word_count(interrupted.text_generated));
  EXPECT_EQ(interrupted.text_generated.rfind(interrupted.text_heard, 0), 0U) << "what was heard is a prefix";
  const auto finals = log.all<TranscriptFinal>();
  ASSERT_EQ(finals.size(), 1U);
  EXPECT_EQ(finals[0].turn, 2U);
  EXPECT_EQ(finals[0].text, "stop please");
  const auto metrics = log.all<TurnMetrics>();
  ASSERT_GE(metrics.size(), 1U);
  EXPECT_TRUE(metrics[0].interrupted);
  std::lock_guard lock(history->mutex);
  ASSERT_GE(history->turns.size(), 1U);
  EXPECT_EQ(history->turns[0].status, "interrupted");
  EXPECT_EQ(history->turns[0].assistant_text, interrupted.text_heard);
}

TEST_F(BargeInTest, ReportedPlayoutDecidesWhatWasHeard) {
  open(test::paced_options());
  session->push_text("tell me a story");
  ASSERT_TRUE(log.wait_for_event<ReplySentence>(5s, [](const ReplySentence& s) { return s.index == 2; }));
  const auto sentences = log.all<ReplySentence>();
  // The client has played everything before the third sentence, and then the user cuts in.
  session->report_playout(1, sentences[2].first_seq - 1);
  session->interrupt();
  ASSERT_TRUE(wait_done(1));
  const ReplyDone done = log.all<ReplyDone>()[0];
  EXPECT_EQ(done.status, ReplyStatus::interrupted);
  EXPECT_EQ(done.text_heard, "The first sentence has six words. The second sentence has six words.");
}

TEST_F(BargeInTest, InterruptStopsAtOnceAndDoesNotResume) {
  open(test::paced_options());
  start_speaking();
  session->interrupt();
  ASSERT_TRUE(wait_done(1));
  std::this_thread::sleep_for(600ms);
  const auto events = log.events();
  const std::size_t flush = first_index<PlaybackFlush>(events);
  ASSERT_LT(flush, events.size());
  EXPECT_LT(last_index<ReplyAudio>(events), flush);
  EXPECT_EQ(log.all<ReplyDone>()[0].status, ReplyStatus::interrupted);
  EXPECT_EQ(std::get<StateChanged>(events.back().event).state, AgentState::listening);
}

TEST_F(BargeInTest, NoWordsWithinTheTimeoutResumesTheReply) {
  open(test::paced_options());
  start_speaking(900ms);
  test::feed(*session, tone(0.5, 1000) + quiet(0.4));  // a noise the recognizer finds no words in
  ASSERT_TRUE(wait_done(1, 20s));
  const auto events = log.events();
  const std::size_t flush = first_index<PlaybackFlush>(events);
  ASSERT_LT(flush, events.size()) << "the noise was long enough to pause the agent";
  const ReplyDone done = log.all<ReplyDone>()[0];
  EXPECT_EQ(done.status, ReplyStatus::completed);
  EXPECT_EQ(done.text_heard, done.text_generated);
  // After the pause the cut sentence is announced again and audio goes on with higher sequence numbers.
  const std::size_t resumed_sentence = first_index<ReplySentence>(
      std::vector<test::LoggedEvent>(events.begin() + static_cast<std::ptrdiff_t>(flush), events.end()));
  EXPECT_LT(resumed_sentence + flush, events.size());
  EXPECT_LT(flush, last_index<ReplyAudio>(events));
  EXPECT_TRUE(log.all<TranscriptFinal>().empty());
}

TEST_F(BargeInTest, ACoughShorterThanTheInterruptionThresholdDoesNotInterrupt) {
  auto options = test::paced_options();
  options.turn_taking.min_interruption_ms = 600;
  open(options);
  start_speaking();
  test::feed(*session, tone(0.35, 400) + quiet(0.5));
  ASSERT_TRUE(wait_done(1, 20s));
  EXPECT_TRUE(log.all<PlaybackFlush>().empty());
  EXPECT_EQ(log.all<ReplyDone>()[0].status, ReplyStatus::completed);
  EXPECT_TRUE(log.all<SpeechStarted>().empty());
}

TEST_F(BargeInTest, NoInterruptionsWhenTheyAreSwitchedOff) {
  auto options = test::paced_options();
  options.turn_taking.allow_interruptions = false;
  open(options);
  start_speaking();
  test::feed(*session, tone(0.8, 400) + quiet(0.5));
  ASSERT_TRUE(wait_done(1, 20s));
  EXPECT_TRUE(log.all<PlaybackFlush>().empty());
  EXPECT_EQ(log.all<ReplyDone>()[0].status, ReplyStatus::completed);
}

TEST_F(BargeInTest, ATypedMessageInterruptsAndNothingOfTheOldTurnFollows) {
  llm->per_word = 30ms;
  open(test::paced_options());
  session->push_text("first");
  ASSERT_TRUE(log.wait_for_event<ReplyTextDelta>(5s));
  session->push_text("second");
  ASSERT_TRUE(wait_done(2, 20s));
  const auto events = log.events();
  const std::size_t done1 = first_index<ReplyDone>(events, done_of(1));
  ASSERT_LT(done1, events.size());
  EXPECT_EQ(std::get<ReplyDone>(events[done1].event).status, ReplyStatus::interrupted);
  for (std::size_t i = done1 + 1; i < events.size(); ++i) {
    std::visit(
        [&](const auto& event) {
          if constexpr (requires { event.turn; }) {
            using Event = std::decay_t<decltype(event)>;
            if constexpr (!std::is_same_v<Event, StateChanged> && !std::is_same_v<Event, TurnMetrics>) {
              EXPECT_NE(event.turn, 1U) << "stale event of the cancelled turn at " << i;
            }
          }
        },
        events[i].event);
  }
}

// --- API contract ---------------------------------------------------------------------------------------------

TEST_F(VoiceSessionTest, OptionsOutOfRangeAreRejectedNamingTheField) {
  SessionOptions options;
  options.turn_taking.end_of_turn_silence_ms = -5;
  try {
    validate(options);
    FAIL() << "accepted a negative silence";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("end_of_turn_silence_ms"));
    EXPECT_THAT(e.fix(), ::testing::HasSubstr("0 to 10000"));
  }
  options = {};
  options.input_sample_rate_hz = 100;
  EXPECT_THROW(validate(options), Error);
  EXPECT_NO_THROW(validate(SessionOptions{}));
  auto missing = engines();
  missing.stt = nullptr;
  EXPECT_THROW(create_voice_session(runtime, missing, {}, log.sink()), Error);
}

TEST_F(VoiceSessionTest, UpdateChangesOptionsOrNothing) {
  open();
  SessionUpdate bad;
  bad.system_prompt = "new prompt";
  bad.output_sample_rate_hz = 5;
  EXPECT_THROW(session->update(bad), Error);
  EXPECT_NE(session->options().system_prompt, "new prompt");
  SessionUpdate good;
  good.system_prompt = "Speak like a pirate.";
  TurnTakingOptions turn = session->options().turn_taking;
  turn.min_interruption_ms = 900;
  good.turn_taking = turn;
  session->update(good);
  EXPECT_EQ(session->options().system_prompt, "Speak like a pirate.");
  EXPECT_EQ(session->options().turn_taking.min_interruption_ms, 900);
  session->push_text("hi");
  ASSERT_TRUE(wait_done(1));
  std::lock_guard lock(llm->mutex);
  EXPECT_EQ(llm->requests.at(0).at(0).content, "Speak like a pirate.");
}

TEST_F(VoiceSessionTest, AudioBeyondTheInputBudgetIsRefusedWithAnError) {
  auto options = test::fast_options();
  options.max_buffered_input_ms = 500;
  open(options);
  const std::vector<std::int16_t> too_much(16000, 0);  // one second in one push
  EXPECT_FALSE(session->push_audio(too_much));
  ASSERT_TRUE(log.wait_for_event<SessionError>(2s));
  EXPECT_EQ(log.all<SessionError>()[0].code, "input_overflow");
  const std::vector<std::int16_t> fine(320, 0);
  EXPECT_TRUE(session->push_audio(fine));
}

TEST_F(VoiceSessionTest, NothingIsEmittedAfterClose) {
  open(test::paced_options());
  session->push_text("tell me something long");
  ASSERT_TRUE(log.wait_for_event<ReplyAudio>(5s));
  session->close();
  const std::size_t count = log.size();
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(log.size(), count);
  EXPECT_FALSE(session->push_audio(std::vector<std::int16_t>(320, 0)));
  session->close();  // idempotent
  std::lock_guard lock(history->mutex);
  EXPECT_EQ(history->ended, std::vector<std::string>{"s1"});
}

TEST_F(VoiceSessionTest, StateNamesAndStatusNames) {
  EXPECT_EQ(state_name(AgentState::user_speaking), "user_speaking");
  EXPECT_EQ(state_name(AgentState::idle), "idle");
  EXPECT_EQ(status_name(ReplyStatus::interrupted), "interrupted");
}

}  // namespace
}  // namespace lv::session
