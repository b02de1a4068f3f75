#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "session/voice_session_fixture.h"

namespace lv::session {
namespace {

using namespace lv::session::test;  // the fixture, fakes and speech fixtures

// --- degradation ----------------------------------------------------------------------------------------------

TEST_F(VoiceSessionTest, FailingSpeechToTextIsApologisedForAndTheSessionGoesOn) {
  open();
  stt->fail = true;
  say();
  ASSERT_TRUE(wait_done(1));
  const auto errors = log.all<SessionError>();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].code, "stt_failed");
  EXPECT_FALSE(errors[0].fix.empty());
  const ReplyDone done = log.all<ReplyDone>()[0];
  EXPECT_EQ(done.status, ReplyStatus::failed);
  EXPECT_EQ(done.text_generated, "Sorry, I didn't catch that.");
  EXPECT_FALSE(log.all<ReplyAudio>().empty()) << "the apology is spoken";
  stt->fail = false;
  say();
  ASSERT_TRUE(wait_done(2));
  EXPECT_EQ(log.all<ReplyDone>()[1].status, ReplyStatus::completed);
}

TEST_F(VoiceSessionTest, SpeechToTextThatHangsTimesOut) {
  auto options = test::fast_options();
  options.stt_timeout_ms = 300;
  open(options);
  stt->hang = true;
  say();
  ASSERT_TRUE(wait_done(1));
  stt->hang = false;
  const auto errors = log.all<SessionError>();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].code, "stt_failed");
  EXPECT_THAT(errors[0].message, ::testing::HasSubstr("300 ms"));
}

TEST_F(VoiceSessionTest, LanguageModelThatThrowsGivesASpokenApology) {
  open();
  llm->mode = test::FakeLlm::Mode::throw_error;
  session->push_text("hello");
  ASSERT_TRUE(wait_done(1));
  const auto errors = log.all<SessionError>();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].code, "llm_failed");
  EXPECT_THAT(errors[0].message, ::testing::HasSubstr("unreachable"));
  const ReplyDone done = log.all<ReplyDone>()[0];
  EXPECT_EQ(done.status, ReplyStatus::failed);
  EXPECT_THAT(done.text_generated, ::testing::HasSubstr("Sorry"));
  EXPECT_FALSE(log.all<ReplyAudio>().empty());
  llm->mode = test::FakeLlm::Mode::answer;
  session->push_text("again");
  ASSERT_TRUE(wait_done(2));
  EXPECT_EQ(log.all<ReplyDone>()[1].status, ReplyStatus::completed);
}

TEST_F(VoiceSessionTest, LanguageModelDyingMidAnswerKeepsWhatCameAndApologises) {
  open();
  llm->mode = test::FakeLlm::Mode::die_midway;
  session->push_text("hello");
  ASSERT_TRUE(wait_done(1));
  const auto errors = log.all<SessionError>();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].code, "llm_failed");
  EXPECT_THAT(errors[0].message, ::testing::HasSubstr("died mid-answer"));
  const ReplyDone done = log.all<ReplyDone>()[0];
  EXPECT_EQ(done.status, ReplyStatus::failed);
  EXPECT_THAT(done.text_generated, ::testing::StartsWith("It is half Sorry"));
}

TEST_F(VoiceSessionTest, LanguageModelWithoutAFirstTokenTimesOut) {
  auto options = test::fast_options();
  options.llm_first_token_timeout_ms = 300;
  open(options);
  llm->mode = test::FakeLlm::Mode::hang;
  session->push_text("hello");
  ASSERT_TRUE(wait_done(1));
  const auto errors = log.all<SessionError>();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].code, "llm_failed");
  EXPECT_THAT(errors[0].message, ::testing::HasSubstr("300 ms"));
}

TEST_F(VoiceSessionTest, FailingSpeechSynthesisStillDeliversTheReplyAsText) {
  open();
  tts->fail = true;
  session->push_text("hello");
  ASSERT_TRUE(wait_done(1));
  const auto errors = log.all<SessionError>();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].code, "tts_failed");
  EXPECT_TRUE(log.all<ReplyAudio>().empty());
  const ReplyDone done = log.all<ReplyDone>()[0];
  EXPECT_EQ(done.status, ReplyStatus::completed);
  EXPECT_EQ(done.text_heard, llm->answer);
  std::string deltas;
  for (const auto& delta : log.all<ReplyTextDelta>()) {
    deltas += delta.delta;
  }
  EXPECT_EQ(deltas, llm->answer);
}

TEST_F(VoiceSessionTest, WithoutATtsEngineRepliesAreTextAndTheSessionSaysSo) {
  auto with = engines();
  with.tts = nullptr;
  open(test::fast_options(), with);
  const auto started = log.all<SessionStarted>().at(0);
  ASSERT_EQ(started.degraded.size(), 1U);
  EXPECT_EQ(started.degraded[0], "Spoken replies: off - replies arrive as text only");
  session->push_text("hello");
  ASSERT_TRUE(wait_done(1));
  EXPECT_TRUE(log.all<ReplyAudio>().empty());
  EXPECT_EQ(log.all<ReplyDone>()[0].text_heard, llm->answer);
}

TEST_F(VoiceSessionTest, WithoutALanguageModelTheKnowledgeBaseAnswers) {
  auto with = engines();
  with.llm = nullptr;
  context->passages = {{"", "notes/wifi.md", "Network", "The wifi password is on the router.", 0.9}};
  with.context = context;
  open(test::fast_options(), with);
  EXPECT_THAT(log.all<SessionStarted>().at(0).degraded.at(0), ::testing::HasSubstr("Language model: not installed"));
  session->push_text("what is the wifi password");
  ASSERT_TRUE(wait_done(1));
  const auto citations = log.all<Citations>();
  ASSERT_EQ(citations.size(), 1U);
  EXPECT_EQ(citations[0].citations.at(0).source, "notes/wifi.md");
  const ReplyDone done = log.all<ReplyDone>()[0];
  EXPECT_EQ(done.status, ReplyStatus::completed);
  EXPECT_EQ(done.text_generated, "From your notes: The wifi password is on the router.");
  EXPECT_TRUE(log.all<SessionError>().empty());
  EXPECT_FALSE(log.all<ReplyAudio>().empty());
}

TEST_F(VoiceSessionTest, WithoutALanguageModelOrPassagesTheSessionSaysHowToInstallOne) {
  auto with = engines();
  with.llm = nullptr;
  with.llm_install_command = "localvoice models pull qwen";
  open(test::fast_options(), with);
  session->push_text("hello");
  ASSERT_TRUE(wait_done(1));
  const auto errors = log.all<SessionError>();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].code, "no_llm");
  EXPECT_THAT(errors[0].fix, ::testing::HasSubstr("localvoice models pull qwen"));
  EXPECT_THAT(log.all<ReplyDone>()[0].text_generated, ::testing::HasSubstr("localvoice models pull qwen"));
}

TEST_F(VoiceSessionTest, PassagesReachThePromptWithIdsAndCitationsComeFirst) {
  auto with = engines();
  context->passages = {{"", "a.md", "Intro", "Alpha text.", 0.8}, {"", "b.md", "", "Beta text.", 0.5}};
  with.context = context;
  open(test::fast_options(), with);
  session->push_text("question");
  ASSERT_TRUE(wait_done(1));
  const auto events = log.events();
  EXPECT_LT(first_index<Citations>(events), first_index<ReplyTextDelta>(events));
  std::lock_guard lock(llm->mutex);
  const std::string& system = llm->requests.at(0).at(0).content;
  EXPECT_THAT(system, ::testing::HasSubstr("[S1] a.md > Intro\nAlpha text."));
  EXPECT_THAT(system, ::testing::HasSubstr("[S2] b.md\nBeta text."));
  EXPECT_GE(log.all<TurnMetrics>().at(0).retrieval_ms, 0);
}

TEST_F(VoiceSessionTest, SlowRetrievalIsSkippedAfterItsTimeout) {
  auto with = engines();
  context->passages = {{"", "a.md", "", "Alpha.", 0.8}};
  context->delay = 3s;
  with.context = context;
  auto options = test::fast_options();
  options.retrieval_timeout_ms = 150;
  open(options, with);
  session->push_text("question");
  ASSERT_TRUE(wait_done(1));
  EXPECT_TRUE(log.all<Citations>().empty());
  EXPECT_EQ(log.all<ReplyDone>()[0].status, ReplyStatus::completed);
  EXPECT_NEAR(log.all<TurnMetrics>().at(0).retrieval_ms, 150, 100);
}

}  // namespace
}  // namespace lv::session
