// The voice session with real engines: flite speech in, energy VAD, PocketSphinx, llama.cpp (in-process and
// llama-server over the OpenAI API), flite speech out.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <thread>

#include "engine/engine_url.h"
#include "llm/llama_server_process.h"
#include "llm/llm_engines.h"
#include "llm/tiny_model.h"
#include "session/session_harness.h"
#include "session/voice_session.h"
#include "stt/pocketsphinx_stt.h"
#include "stt/speech_fixtures.h"
#include "support/test_paths.h"
#include "tts/flite_engine.h"
#include "vad/energy_vad.h"

namespace lv::session {
namespace {

using test::EventLog;
using test::operator+;
using namespace std::chrono_literals;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

class VoiceSessionIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<lv::test::TempDir>();
    model_ = lv::test::make_tiny_gguf(dir_->path());
    stt_ = std::make_shared<stt::PocketsphinxStt>();
    tts_ = std::make_shared<tts::FliteEngine>("slt");
  }
  static void TearDownTestSuite() {
    stt_.reset();
    tts_.reset();
    dir_.reset();
  }

  SessionEngines engines(llm::LlmEnginePtr llm) const {
    SessionEngines out;
    out.vad = std::make_shared<vad::EnergyVad>();
    out.stt = stt_;
    out.llm = std::move(llm);
    out.tts = tts_;
    out.stt_name = "pocketsphinx:en-us";
    out.llm_name = "llama:tiny.gguf";
    out.tts_name = "flite:slt";
    return out;
  }

  static SessionOptions options() {
    SessionOptions out = test::fast_options();
    out.output_sample_rate_hz = 24000;
    out.stt_timeout_ms = 15000;
    out.turn_taking.max_wait_ms = 10000;  // eight sessions share two cores: wait for final transcripts
    out.chat.max_tokens = 24;
    out.chat.seed = 7;
    out.chat.temperature = 1.0F;
    return out;
  }

  static audio::AudioBuffer question(const std::string& text, const std::string& voice = "slt") {
    return test::quiet(0.3) + lv::test::flite_speech(text, voice) + test::quiet(1.0);
  }

  static llm::LlmEnginePtr openai(const lv::test::LlamaServerProcess& server) {
    return llm::create_openai_engine(
        engine::parse_engine_url("openai:" + server.url() + "/v1?model=tiny&connect_timeout_ms=1000"));
  }

  static inline std::unique_ptr<lv::test::TempDir> dir_;
  static inline std::filesystem::path model_;
  static inline std::shared_ptr<stt::PocketsphinxStt> stt_;
  static inline std::shared_ptr<tts::FliteEngine> tts_;
  SessionRuntime runtime{RuntimeOptions{}, std::make_shared<metrics::Registry>()};
};

TEST_F(VoiceSessionIntegrationTest, ASpokenQuestionIsAnsweredByTheEmbeddedModelInOrder) {
  EventLog log;
  const auto llm = llm::create_llama_engine(engine::parse_engine_url("llama:" + model_.string()));
  auto session = create_voice_session(runtime, engines(llm), options(), log.sink());
  session->start();
  test::feed(*session, question("what time is it"), 2.0);
  ASSERT_TRUE(log.wait_for_event<TurnMetrics>(20s));
  session->close();

  const auto finals = log.all<TranscriptFinal>();
  ASSERT_EQ(finals.size(), 1U);
  EXPECT_THAT(lower(finals[0].text), ::testing::HasSubstr("time"));
  const auto names = test::event_names(log.events());
  const auto position = [&](const std::string& name) {
    return std::find(names.begin(), names.end(), name) - names.begin();
  };
  EXPECT_LT(position("SpeechStarted"), position("SpeechStopped"));
  EXPECT_LT(position("SpeechStopped"), position("TranscriptFinal"));
  EXPECT_LT(position("TranscriptFinal"), position("StateChanged:thinking"));
  EXPECT_LT(position("StateChanged:thinking"), position("ReplyStarted"));
  EXPECT_LT(position("ReplyStarted"), position("ReplyDone:completed"));
  EXPECT_LT(position("ReplyDone:completed"), position("TurnMetrics"));

  const ReplyDone done = log.all<ReplyDone>().at(0);
  const TurnMetrics metrics = log.all<TurnMetrics>().at(0);
  EXPECT_GT(metrics.completion_tokens, 0);
  EXPECT_GE(metrics.stt_ms, 0);
  EXPECT_GE(metrics.llm_first_token_ms, 0);
  EXPECT_GT(metrics.user_audio_ms, 500);
  const bool speakable = std::any_of(done.text_generated.begin(), done.text_generated.end(),
                                     [](unsigned char c) { return std::isalpha(c); });
  if (speakable) {
    // The random model's text has letters, so flite spoke it: frames at 24 kHz and consistent timings.
    const auto frames = log.all<ReplyAudio>();
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames[0].samples.size(), 480U);
    EXPECT_GE(metrics.tts_first_audio_ms, 0);
    EXPECT_GE(metrics.end_to_end_ms, metrics.stt_ms);
    EXPECT_GE(metrics.end_to_end_ms, metrics.llm_first_token_ms);
    EXPECT_GT(metrics.reply_audio_ms, 0);
  }
}

TEST_F(VoiceSessionIntegrationTest, LlamaServerGoneBeforeTheTurnGivesAnApologyAndTheSessionGoesOn) {
  lv::test::LlamaServerProcess server(model_, dir_->path() / "server1.log", {"-c", "1024"});
  server.start();
  EventLog log;
  auto session = create_voice_session(runtime, engines(openai(server)), options(), log.sink());
  session->start();
  server.kill();
  session->push_text("hello there");
  ASSERT_TRUE(log.wait_for_event<TurnMetrics>(20s));
  const auto errors = log.all<SessionError>();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].code, "llm_failed");
  const ReplyDone done = log.all<ReplyDone>().at(0);
  EXPECT_EQ(done.status, ReplyStatus::failed);
  EXPECT_THAT(done.text_generated, ::testing::HasSubstr("Sorry"));
  EXPECT_FALSE(log.all<ReplyAudio>().empty()) << "the apology is spoken";
  // The server comes back: the same session answers the next turn.
  lv::test::LlamaServerProcess again(model_, dir_->path() / "server2.log", {"-c", "1024"}, server.port());
  again.start();
  session->push_text("hello again");
  ASSERT_TRUE(log.wait_for_event<TurnMetrics>(20s, [](const TurnMetrics& m) { return m.turn == 2; }));
  EXPECT_EQ(log.all<ReplyDone>().at(1).status, ReplyStatus::completed);
  session->close();
}

TEST_F(VoiceSessionIntegrationTest, LlamaServerKilledDuringATurnEndsItCleanly) {
  lv::test::LlamaServerProcess server(model_, dir_->path() / "server3.log", {"-c", "1024"});
  server.start();
  EventLog log;
  auto opts = options();
  opts.chat.max_tokens = 400;
  auto session = create_voice_session(runtime, engines(openai(server)), opts, log.sink());
  session->start();
  session->push_text("tell me a long story");
  ASSERT_TRUE(log.wait_for_event<ReplyStarted>(10s));
  server.kill();
  ASSERT_TRUE(log.wait_for_event<TurnMetrics>(20s));
  const ReplyDone done = log.all<ReplyDone>().at(0);
  if (done.status == ReplyStatus::failed) {
    ASSERT_FALSE(log.all<SessionError>().empty());
    EXPECT_EQ(log.all<SessionError>()[0].code, "llm_failed");
  } else {
    EXPECT_EQ(done.status, ReplyStatus::completed) << "the answer was complete before the server died";
  }
  session->close();
}

TEST_F(VoiceSessionIntegrationTest, BargeInWithRealSpeechStopsTheAgentAtOnce) {
  auto llm = std::make_shared<test::FakeLlm>();
  llm->answer =
      "Here is a long answer about the weather. Tomorrow will be sunny in the morning. Clouds come later in the "
      "afternoon. In the evening there may be some rain.";
  EventLog log;
  auto paced = options();
  paced.playback_lead_ms = 300;
  auto session = create_voice_session(runtime, engines(llm), paced, log.sink());
  session->start();
  session->push_text("what is the weather");
  ASSERT_TRUE(log.wait_for_event<ReplyAudio>(10s));
  std::this_thread::sleep_for(800ms);
  test::feed(*session, lv::test::flite_speech("stop talking please") + test::quiet(1.0));
  ASSERT_TRUE(log.wait_for_event<ReplyDone>(10s, [](const ReplyDone& d) { return d.turn == 1; }));
  ASSERT_TRUE(log.wait_for_event<TranscriptFinal>(10s));
  const auto events = log.events();
  std::optional<test::Clock::time_point> flushed_at;
  std::optional<test::Clock::time_point> last_audio_at;
  for (const auto& logged : events) {
    if (const auto* flush = std::get_if<PlaybackFlush>(&logged.event); flush != nullptr && flush->turn == 1) {
      flushed_at = flushed_at.value_or(logged.at);
    }
    if (const auto* frame = std::get_if<ReplyAudio>(&logged.event); frame != nullptr && frame->turn == 1) {
      last_audio_at = logged.at;
    }
  }
  ASSERT_TRUE(flushed_at.has_value());
  ASSERT_TRUE(last_audio_at.has_value());
  EXPECT_LE(*last_audio_at, *flushed_at) << "no frame of the interrupted turn after the flush";
  const ReplyDone done = log.all<ReplyDone>().at(0);
  EXPECT_EQ(done.status, ReplyStatus::interrupted);
  EXPECT_LT(done.text_heard.size(), done.text_generated.size());
  EXPECT_FALSE(log.all<TranscriptFinal>().at(0).text.empty());
  EXPECT_EQ(log.all<TranscriptFinal>().at(0).turn, 2U);
  session->close();
}

TEST_F(VoiceSessionIntegrationTest, EightConcurrentSessionsEachHearTheirOwnUser) {
  const std::vector<std::pair<std::string, std::string>> phrases = {{"turn on the kitchen lights", "kitchen"},
                                                                    {"what is the weather today", "weather"},
                                                                    {"play some music", "music"},
                                                                    {"set a timer for ten minutes", "minutes"},
                                                                    {"call my mother", "mother"},
                                                                    {"open the garage door", "door"},
                                                                    {"read my new messages", "messages"},
                                                                    {"good morning", "morning"}};
  auto llm = std::make_shared<test::FakeLlm>();
  llm->answer = "Okay.";
  std::vector<std::unique_ptr<EventLog>> logs;
  std::vector<VoiceSessionPtr> sessions;
  for (std::size_t i = 0; i < phrases.size(); ++i) {
    logs.push_back(std::make_unique<EventLog>());
    sessions.push_back(create_voice_session(runtime, engines(llm), options(), logs.back()->sink()));
    sessions.back()->start();
  }
  std::vector<std::thread> feeders;
  for (std::size_t i = 0; i < phrases.size(); ++i) {
    feeders.emplace_back([&, i] { test::feed(*sessions[i], question(phrases[i].first)); });
  }
  for (auto& feeder : feeders) {
    feeder.join();
  }
  int heard = 0;
  std::string transcripts;
  for (std::size_t i = 0; i < phrases.size(); ++i) {
    ASSERT_TRUE(logs[i]->wait_for_event<TurnMetrics>(30s)) << "session " << i << " did not finish its turn";
    const auto finals = logs[i]->all<TranscriptFinal>();
    ASSERT_EQ(finals.size(), 1U) << "session " << i;
    EXPECT_EQ(logs[i]->all<ReplyDone>().at(0).status, ReplyStatus::completed);
    EXPECT_FALSE(logs[i]->all<ReplyAudio>().empty());
    for (std::size_t j = 0; j < phrases.size(); ++j) {
      if (j != i) {
        EXPECT_THAT(lower(finals[0].text), ::testing::Not(::testing::HasSubstr(phrases[j].second)))
            << "session " << i << " heard session " << j;
      }
    }
    heard += lower(finals[0].text).find(phrases[i].second) != std::string::npos ? 1 : 0;
    transcripts += "[" + finals[0].text + "] ";
    sessions[i]->close();
  }
  // PocketSphinx misses a word now and then; nearly every session must hear its own keyword.
  EXPECT_GE(heard, 7) << transcripts;
}

}  // namespace
}  // namespace lv::session
