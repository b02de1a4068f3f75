#include "tts/streaming_tts.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>
#include <mutex>

#include "tts/flite_engine.h"
#include "util/error.h"

namespace lv::tts {
namespace {

std::shared_ptr<FliteEngine> flite() {
  static auto engine = std::make_shared<FliteEngine>("slt");
  return engine;
}

// Records what the stream produced.
struct Recorder {
  std::mutex mutex;
  std::vector<std::string> sentences;
  std::size_t samples = 0;
  std::promise<void> first_audio;
  bool got_audio = false;

  SpeechChunkSink sink() {
    return [this](const SpeechChunk& chunk) {
      std::lock_guard lock(mutex);
      if (!chunk.samples.empty() && !got_audio) {
        got_audio = true;
        first_audio.set_value();
      }
      samples += chunk.samples.size();
      if (chunk.sentence_done) {
        sentences.push_back(*chunk.sentence);
      }
    };
  }
};

TEST(StreamingTts, FirstSentenceIsSpokenBeforeLaterTextArrives) {
  Recorder recorder;
  auto first_audio = recorder.first_audio.get_future();
  StreamingTts stream(flite(), recorder.sink());
  stream.push_text("The first sentence is");
  stream.push_text(" here. And the second");
  // No more text arrives until the first sentence's audio has come out.
  ASSERT_EQ(first_audio.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_GE(stream.first_audio_latency_ms(), 0.0);
  stream.push_text(" one follows later.");
  stream.end_input();
  stream.wait();
  EXPECT_EQ(stream.sentences_spoken(), 2U);
  std::lock_guard lock(recorder.mutex);
  ASSERT_EQ(recorder.sentences.size(), 2U);
  EXPECT_EQ(recorder.sentences[0], "The first sentence is here.");
  EXPECT_EQ(recorder.sentences[1], "And the second one follows later.");
  EXPECT_GT(recorder.samples, 16000U);  // more than a second of speech
}

TEST(StreamingTts, CleansMarkdownAndNormalizesBeforeSpeaking) {
  Recorder recorder;
  StreamingTts stream(flite(), recorder.sink());
  for (const char c : std::string("**Total:** $3.50 for [two](http://x.org) items.\n```\ncode()\n```\nBye.")) {
    stream.push_text(std::string_view(&c, 1));
  }
  stream.end_input();
  stream.wait();
  std::lock_guard lock(recorder.mutex);
  ASSERT_EQ(recorder.sentences.size(), 3U);
  EXPECT_EQ(recorder.sentences[0], "Total: three dollars and fifty cents for two items.");
  EXPECT_EQ(recorder.sentences[1], "Code omitted.");
  EXPECT_EQ(recorder.sentences[2], "Bye.");
}

TEST(StreamingTts, CancelStopsPromptlyAndDropsTheRest) {
  std::atomic<int> chunks{0};
  std::string long_text;
  for (int i = 0; i < 30; ++i) {
    long_text += "This is one of many sentences that would take a long time to speak. ";
  }
  StreamingTts stream(flite(), [&](const SpeechChunk& chunk) { chunks += chunk.samples.empty() ? 0 : 1; });
  stream.push_text(long_text);
  stream.end_input();
  while (chunks.load() == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  stream.cancel();
  const int after_cancel = chunks.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(chunks.load(), after_cancel);
  EXPECT_LT(stream.sentences_spoken(), 30U);
  stream.wait();  // returns at once after cancel
}

// An engine that fails, to check that errors reach the caller.
class FailingEngine final : public TtsEngine {
 public:
  std::string name() const override { return "failing:"; }
  const TtsCapabilities& capabilities() const override { return capabilities_; }
  int sample_rate_hz(std::string_view) const override { return 16000; }

 protected:
  bool do_synthesize(std::string_view, const SynthesisOptions&, const AudioSink&, std::stop_token) override {
    throw Error("engine broke", "restart it");
  }

 private:
  TtsCapabilities capabilities_;
};

TEST(StreamingTts, EngineErrorsAreRethrownByWait) {
  StreamingTts stream(std::make_shared<FailingEngine>(), [](const SpeechChunk&) {});
  stream.push_text("Hello there. ");
  stream.end_input();
  EXPECT_THROW(stream.wait(), Error);
}

TEST(StreamingTts, EmptyInputFinishesWithoutAudio) {
  Recorder recorder;
  StreamingTts stream(flite(), recorder.sink());
  stream.push_text("  ");
  stream.end_input();
  stream.wait();
  EXPECT_EQ(stream.sentences_spoken(), 0U);
  EXPECT_LT(stream.first_audio_latency_ms(), 0.0);
}

TEST(PrepareForSpeech, StripsMarkdownThenNormalizes) {
  EXPECT_EQ(prepare_for_speech("# Price\n**$12** for 2 kg"), "Price\ntwelve dollars for two kilograms");
}

}  // namespace
}  // namespace lv::tts
