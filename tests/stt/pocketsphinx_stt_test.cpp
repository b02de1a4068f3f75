#include "stt/pocketsphinx_stt.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "audio/resampler.h"
#include "audio/wav.h"
#include "stt/speech_fixtures.h"
#include "stt/wer.h"
#include "util/error.h"

namespace lv::stt {
namespace {

class PocketsphinxTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { engine_ = new PocketsphinxStt(); }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
  }
  static PocketsphinxStt* engine_;
};
PocketsphinxStt* PocketsphinxTest::engine_ = nullptr;

struct Utterance {
  const char* voice;
  const char* text;
};

// Short everyday requests, spread over flite's four voices.
constexpr Utterance kUtterances[] = {
    {"slt", "please turn on the kitchen lights"},
    {"slt", "what time is it in new york"},
    {"slt", "set an alarm for seven in the morning"},
    {"slt", "call my mother tomorrow afternoon"},
    {"kal16", "play some music in the living room"},
    {"kal16", "how far is the nearest hospital"},
    {"kal16", "send a message to john"},
    {"rms", "what is the weather like today"},
    {"rms", "remind me to buy milk and bread"},
    {"rms", "open the front door"},
    {"awb", "tell me a story about a dog"},
    {"awb", "how many people live in london"},
};

TEST_F(PocketsphinxTest, FliteSentencesAreRecognizedWithLowWordErrorRate) {
  WordErrors total;
  std::ostringstream report;
  for (const auto& utterance : kUtterances) {
    const auto audio = test::concat(
        test::concat(test::silence(0.3), test::flite_speech(utterance.text, utterance.voice)), test::silence(0.3));
    const auto transcript = engine_->transcribe(audio);
    total += word_errors(utterance.text, transcript.text);
    report << utterance.voice << ": '" << utterance.text << "' -> '" << transcript.text << "'\n";
    EXPECT_GT(transcript.timings.audio_s, 0.5);
    EXPECT_GT(transcript.timings.inference_ms, 0.0);
  }
  RecordProperty("word_error_rate", std::to_string(total.rate()));
  EXPECT_GE(total.reference_words, 60U);
  EXPECT_LE(total.rate(), 0.15) << report.str();
}

// Real read speech: LibriVox recordings shipped by Debian's pocketsphinx-testdata.
TEST_F(PocketsphinxTest, LibriVoxRecordingsAreRecognized) {
  const std::filesystem::path dir = "/usr/share/pocketsphinx/test/data/librivox";
  std::ifstream transcription(dir / "transcription");
  if (!transcription) {
    GTEST_SKIP() << "install pocketsphinx-testdata (scripts/setup) for the LibriVox recordings";
  }
  WordErrors total;
  std::ostringstream report;
  std::string line;
  while (std::getline(transcription, line)) {
    // "<s> words ... </s> (file-id)"
    const auto open = line.rfind('(');
    const auto close = line.rfind(')');
    ASSERT_NE(open, std::string::npos);
    const auto id = line.substr(open + 1, close - open - 1);
    std::string reference = line.substr(0, open);
    for (const std::string tag : {"<s>", "</s>"}) {
      if (const auto at = reference.find(tag); at != std::string::npos) {
        reference.erase(at, tag.size());
      }
    }
    const auto transcript = engine_->transcribe(audio::read_wav(dir / (id + ".wav")));
    total += word_errors(reference, transcript.text);
    report << id << ": '" << transcript.text << "'\n";
    ASSERT_FALSE(transcript.segments.empty());
    EXPECT_LE(transcript.segments.back().end_s, transcript.timings.audio_s + 0.05);
  }
  RecordProperty("word_error_rate", std::to_string(total.rate()));
  EXPECT_GE(total.reference_words, 50U);
  EXPECT_LE(total.rate(), 0.45) << report.str();
}

TEST_F(PocketsphinxTest, ResamplesStereoInputAtOtherRates) {
  const auto speech = test::concat(test::flite_speech("please turn on the kitchen lights"), test::silence(0.3));
  auto resampled = audio::resample(speech, 44100);
  audio::AudioBuffer stereo;
  stereo.sample_rate_hz = 44100;
  stereo.channels = 2;
  for (const float sample : resampled.samples) {
    stereo.samples.push_back(sample);
    stereo.samples.push_back(sample);
  }
  const auto transcript = engine_->transcribe(stereo);
  EXPECT_LE(word_error_rate("please turn on the kitchen lights", transcript.text), 0.2) << transcript.text;
  EXPECT_NEAR(transcript.timings.audio_s, speech.duration_s(), 0.01);
}

TEST_F(PocketsphinxTest, SegmentsHaveOrderedTimesInsideTheAudio) {
  const auto audio = test::concat(test::concat(test::flite_speech("turn on the lights"), test::silence(1.5)),
                                  test::flite_speech("play some music"));
  const auto transcript = engine_->transcribe(audio);
  ASSERT_EQ(transcript.segments.size(), 2U) << transcript.text;
  EXPECT_LT(transcript.segments[0].end_s, transcript.segments[1].start_s);
  EXPECT_GT(transcript.segments[1].start_s, 1.5);
  EXPECT_EQ(transcript.text, transcript.segments[0].text + " " + transcript.segments[1].text);
}

TEST_F(PocketsphinxTest, SilenceGivesEmptyText) { EXPECT_EQ(engine_->transcribe(test::silence(1.0)).text, ""); }

TEST_F(PocketsphinxTest, ConcurrentCallsUseSeparateDecoders) {
  const auto pad = [](const audio::AudioBuffer& speech) {
    return test::concat(test::concat(test::silence(0.3), speech), test::silence(0.3));
  };
  const auto a = pad(test::flite_speech("please turn on the kitchen lights"));
  const auto b = pad(test::flite_speech("remind me to buy milk and bread", "rms"));
  auto first = std::async(std::launch::async, [&] { return engine_->transcribe(a).text; });
  auto second = std::async(std::launch::async, [&] { return engine_->transcribe(b).text; });
  EXPECT_LE(word_error_rate("please turn on the kitchen lights", first.get()), 0.2);
  const auto second_text = second.get();
  EXPECT_LE(word_error_rate("remind me to buy milk and bread", second_text), 0.2) << second_text;
}

TEST_F(PocketsphinxTest, StopTokenCancelsPromptly) {
  auto audio = test::flite_speech("tell me a story about a dog and a cat that lived in a small house");
  const auto one = audio;
  for (int i = 0; i < 8; ++i) {
    audio = test::concat(audio, one);
  }
  std::stop_source stop;
  std::chrono::steady_clock::time_point requested;
  std::jthread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    requested = std::chrono::steady_clock::now();
    stop.request_stop();
  });
  EXPECT_THROW(engine_->transcribe(audio, {}, stop.get_token()), Cancelled);
  const auto returned = std::chrono::steady_clock::now();
  canceller.join();
  // Generous bound (shared CI cores); the engine checks every 100 ms of audio, a few ms of work.
  const double latency_ms = std::chrono::duration<double, std::milli>(returned - requested).count();
  EXPECT_LT(latency_ms, 250.0);
  // The decoder went back to the pool in a usable state.
  const auto after = engine_->transcribe(test::flite_speech("please turn on the kitchen lights")).text;
  EXPECT_LE(word_error_rate("please turn on the kitchen lights", after), 0.2) << after;
}

TEST_F(PocketsphinxTest, RejectsEmptyAudioAndOtherLanguages) {
  audio::AudioBuffer empty;
  EXPECT_THROW(engine_->transcribe(empty), Error);
  TranscribeOptions german;
  german.language = "de";
  EXPECT_THROW(engine_->transcribe(test::silence(0.5), german), Error);
}

// A decoder's running cepstral mean used to carry over from one utterance to the next, so the same words were
// heard differently on a fresh decoder and after loud noise or another voice. Each utterance now seeds the
// mean from its own audio: what was heard before must not change the transcript.
TEST(PocketsphinxHistory, TranscriptsDoNotDependOnWhatTheDecoderHeardBefore) {
  PocketsphinxStt engine;  // its own pool: sequential calls share one decoder
  std::vector<audio::AudioBuffer> clips;
  for (const auto& utterance : {kUtterances[1], kUtterances[4], kUtterances[7], kUtterances[11]}) {
    clips.push_back(test::concat(test::flite_speech(utterance.text, utterance.voice), test::silence(0.3)));
  }
  std::vector<std::string> fresh;
  for (const auto& clip : clips) {
    fresh.push_back(engine.transcribe(clip).text);
  }
  // Audio that drags a running mean and noise floor far from clean speech: loud noise, digital silence, then
  // a whispered-level voice.
  (void)engine.transcribe(test::white_noise(2.0, -6.0));
  (void)engine.transcribe(test::silence(0.5));
  auto quiet = test::flite_speech("the quick brown fox jumps over the lazy dog", "awb");
  for (float& sample : quiet.samples) {
    sample *= 0.01F;
  }
  (void)engine.transcribe(quiet);
  for (std::size_t i = clips.size(); i-- > 0;) {
    EXPECT_EQ(engine.transcribe(clips[i]).text, fresh[i]) << "clip " << i;
  }
  EXPECT_LE(word_error_rate(kUtterances[1].text, fresh[0]), 0.2) << fresh[0];
}

TEST(PocketsphinxModel, MissingModelNamesThePackage) {
  PocketsphinxSettings settings;
  settings.hmm_dir = "/nonexistent/hmm";
  try {
    PocketsphinxStt engine(settings);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/hmm"), std::string::npos);
    EXPECT_NE(e.fix().find("pocketsphinx-en-us"), std::string::npos);
  }
}

}  // namespace
}  // namespace lv::stt
