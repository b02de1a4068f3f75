#include "stt/whisper_utterance_decoder.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "audio/wav.h"
#include "stt/speech_fixtures.h"
#include "stt/tiny_whisper.h"
#include "stt/utterance_feeding.h"
#include "stt/whisper_stt.h"
#include "support/test_paths.h"
#include "util/error.h"

namespace lv::stt {
namespace {

const std::filesystem::path kLibriVox =
    "/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0870.wav";

// The generated random-weight model: its words are nonsense, but they are deterministic, so the streamed path
// can be compared with transcribe() word for word.
class WhisperUtteranceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    const auto model = *dir_ / "ggml-tiny-random.bin";
    test::make_tiny_whisper_model(model);
    WhisperSettings settings;
    settings.model_path = model;
    settings.threads = 1;
    settings.temperature_inc = 0.0F;
    engine_ = new WhisperStt(settings);
  }
  static void TearDownTestSuite() {
    delete engine_;
    delete dir_;
  }
  static audio::AudioBuffer recording() {
    if (std::filesystem::exists(kLibriVox)) {
      return audio::read_wav(kLibriVox);
    }
    return test::flite_speech("and mister john dashwood had then leisure to consider");
  }
  static test::TempDir* dir_;
  static WhisperStt* engine_;
};
test::TempDir* WhisperUtteranceTest::dir_ = nullptr;
WhisperStt* WhisperUtteranceTest::engine_ = nullptr;

TEST_F(WhisperUtteranceTest, StreamedInPiecesFinishGivesTheWordsOfTranscribe) {
  const auto audio = recording();
  auto decoder = engine_->open_utterance();
  EXPECT_FALSE(decoder->decodes_while_fed());  // it decodes when asked: the session asks at the speech end
  const auto result = test::stream_utterance(*decoder, audio);
  const auto batch = engine_->transcribe(audio);
  EXPECT_FALSE(batch.text.empty());
  EXPECT_EQ(result.final.text, batch.text);
  EXPECT_EQ(result.final.segments.size(), batch.segments.size());
  EXPECT_NEAR(result.final.timings.audio_s, audio.duration_s(), 0.01);
  EXPECT_GE(result.partials.size(), 4U);
}

// A poll without new audio decodes nothing new and gives the same text; earlier text is kept, not redone.
TEST_F(WhisperUtteranceTest, PartialsAreStableWithoutNewAudio) {
  auto audio = recording();
  while (audio.duration_s() < 20.0) {
    audio = test::concat(audio, recording());
  }
  auto decoder = engine_->open_utterance();
  std::string last;
  const std::span<const float> samples(audio.samples);
  for (std::size_t offset = 0; offset < samples.size(); offset += 9600) {
    decoder->feed(samples.subspan(offset, std::min<std::size_t>(9600, samples.size() - offset)));
    const auto partial = decoder->partial();
    EXPECT_EQ(decoder->partial(), partial);  // nothing new: the same text, no decode
    if (!last.empty()) {
      EXPECT_EQ(partial.rfind(last.substr(0, last.size() / 2), 0), 0U) << "earlier text changed: " << partial;
    }
    last = partial;
  }
  EXPECT_EQ(decoder->finish().text, engine_->transcribe(audio).text);
}

TEST_F(WhisperUtteranceTest, StopTokenCancels) {
  std::stop_source stop;
  stop.request_stop();
  auto decoder = engine_->open_utterance();
  EXPECT_THROW(decoder->feed(recording().samples, stop.get_token()), Cancelled);
  decoder->feed(recording().samples);
  EXPECT_THROW((void)decoder->partial(stop.get_token()), Cancelled);
  EXPECT_THROW((void)decoder->finish(stop.get_token()), Cancelled);
  EXPECT_THROW((void)decoder->finish(), Error);  // spent
}

TEST_F(WhisperUtteranceTest, SilenceZerosAndNothingDoNotBreakIt) {
  auto silent = engine_->open_utterance();
  (void)test::stream_utterance(*silent, test::silence(2.0));
  auto nothing = engine_->open_utterance();
  EXPECT_EQ(nothing->partial(), "");
  EXPECT_EQ(nothing->finish().text, "");
  auto nan = engine_->open_utterance();
  std::vector<float> bad(16000, std::numeric_limits<float>::quiet_NaN());
  nan->feed(bad);
  EXPECT_NO_THROW((void)nan->finish());
}

TEST_F(WhisperUtteranceTest, FinishedDecoderIsSpent) {
  auto decoder = engine_->open_utterance();
  decoder->feed(recording().samples);
  (void)decoder->finish();
  EXPECT_THROW(decoder->feed(recording().samples), Error);
  EXPECT_THROW((void)decoder->partial(), Error);
  EXPECT_THROW((void)decoder->finish(), Error);
}

TEST_F(WhisperUtteranceTest, CostModelGrowsWithAudio) {
  EXPECT_GT(engine_->expected_decode_ms(10.0), engine_->expected_decode_ms(1.0));
  EXPECT_GT(engine_->expected_decode_ms(0.0), 0.0);
}

}  // namespace
}  // namespace lv::stt
