// The speech-text and synthesize stages with a real engine (flite), through real sessions: Markdown removed,
// numbers spelled out, sentences spoken in order while the text still arrives, synthesis stopped on a cut.
#include "session/synthesize_stage.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "session/voice_session_fixture.h"
#include "tts/flite_engine.h"

namespace lv::session {
namespace {

using namespace lv::session::test;  // the fixture, fakes and speech fixtures

// A language model that streams a fixed text one character at a time (newlines and all).
class TypingLlm final : public llm::LlmEngine {
 public:
  std::string text;
  std::chrono::milliseconds per_char{0};

  llm::LlmSessionPtr create_session() override { return std::make_unique<Session>(*this); }
  llm::LlmCapabilities capabilities() const override { return {}; }
  std::string model_name() const override { return "typing"; }

 private:
  class Session final : public llm::LlmSession {
   public:
    explicit Session(TypingLlm& engine) : engine_(engine) {}
    llm::ChatResult chat(const std::vector<llm::ChatMessage>&, const llm::ChatOptions&,
                         const llm::DeltaCallback& on_delta, std::stop_token stop) override {
      llm::ChatResult result;
      for (const char c : engine_.text) {
        if (stop.stop_requested()) {
          result.finish_reason = llm::FinishReason::cancelled;
          return result;
        }
        std::this_thread::sleep_for(engine_.per_char);
        on_delta(llm::ChatDelta{std::string(1, c), {}});
      }
      return result;
    }

   private:
    TypingLlm& engine_;
  };
};

// Flite, noting each text it is asked to speak.
class RecordingTts final : public tts::TtsEngine {
 public:
  std::string name() const override { return inner_.name(); }
  const tts::TtsCapabilities& capabilities() const override { return inner_.capabilities(); }
  int sample_rate_hz(std::string_view voice) const override { return inner_.sample_rate_hz(voice); }
  std::vector<std::string> texts() const {
    std::lock_guard lock(mutex_);
    return texts_;
  }

 protected:
  bool do_synthesize(std::string_view text, const tts::SynthesisOptions& options, const tts::AudioSink& emit,
                     std::stop_token stop) override {
    {
      std::lock_guard lock(mutex_);
      texts_.emplace_back(text);
    }
    return inner_.synthesize(text, options, emit, stop).cancelled;
  }

 private:
  tts::FliteEngine inner_{"slt"};
  mutable std::mutex mutex_;
  std::vector<std::string> texts_;
};

class SynthesizeStageTest : public VoiceSessionTest {
 protected:
  std::shared_ptr<TypingLlm> typing = std::make_shared<TypingLlm>();
  std::shared_ptr<RecordingTts> voice = std::make_shared<RecordingTts>();

  void open_typing(SessionOptions options = test::fast_options()) {
    auto with = engines();
    with.llm = typing;
    with.tts = voice;
    open(std::move(options), with);
  }
};

TEST_F(SynthesizeStageTest, TheFirstSentenceIsSpokenBeforeTheRestOfTheTextArrives) {
  typing->text = "The first sentence is here. And the second one follows a good while later.";
  typing->per_char = 15ms;  // about a second for the whole text
  open_typing();
  session->push_text("hello");
  ASSERT_TRUE(wait_done(1));
  const auto events = log.events();
  EXPECT_LT(first_index<ReplyAudio>(events), last_index<ReplyTextDelta>(events))
      << "audio of the first sentence went out while the model was still writing";
  EXPECT_THAT(voice->texts(),
              ::testing::ElementsAre("The first sentence is here.", "And the second one follows a good while later."));
  std::size_t samples = 0;
  for (const auto& frame : log.all<ReplyAudio>()) {
    samples += frame.samples.size();
  }
  EXPECT_GT(samples, 16000U) << "more than a second of speech";
  EXPECT_EQ(log.all<ReplyDone>().at(0).status, ReplyStatus::completed);
}

TEST_F(SynthesizeStageTest, MarkdownIsRemovedAndNumbersAreSpokenOut) {
  typing->text = "**Total:** $3.50 for [two](http://x.org) items.\n```\ncode()\n```\nBye.";
  open_typing();
  session->push_text("hello");
  ASSERT_TRUE(wait_done(1));
  EXPECT_THAT(voice->texts(),
              ::testing::ElementsAre("Total: three dollars and fifty cents for two items.", "Code omitted.", "Bye."));
  const auto sentences = log.all<ReplySentence>();
  ASSERT_EQ(sentences.size(), 3U);
  EXPECT_EQ(sentences[0].text, "Total: $3.50 for two items.") << "the client sees the text, not its spoken form";
  EXPECT_EQ(log.all<ReplyDone>().at(0).text_heard, typing->text) << "heard in full: the text as written";
}

TEST_F(SynthesizeStageTest, AnInterruptStopsSynthesisAndDropsTheSentencesNotYetSpoken) {
  for (int i = 0; i < 30; ++i) {
    typing->text += "This is one of many sentences that would take a long time to speak. ";
  }
  open_typing(test::paced_options());
  session->push_text("hello");
  ASSERT_TRUE(log.wait_for_event<ReplyAudio>(10s));
  session->interrupt();
  ASSERT_TRUE(wait_done(1));
  const std::size_t spoken = voice->texts().size();
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(voice->texts().size(), spoken) << "no sentence goes to the engine after the cut";
  EXPECT_LT(spoken, 30U);
  EXPECT_EQ(log.all<ReplyDone>().at(0).status, ReplyStatus::interrupted);
}

TEST_F(SynthesizeStageTest, BlankTextIsNotSpoken) {
  typing->text = "  \n ";
  open_typing();
  session->push_text("hello");
  ASSERT_TRUE(wait_done(1));
  EXPECT_TRUE(voice->texts().empty());
  EXPECT_TRUE(log.all<ReplyAudio>().empty());
  EXPECT_EQ(log.all<ReplyDone>().at(0).status, ReplyStatus::completed);
}

}  // namespace
}  // namespace lv::session
