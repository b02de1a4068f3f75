#include "stt/whisper_stt.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <future>
#include <thread>

#include "audio/wav.h"
#include "stt/speech_fixtures.h"
#include "stt/tiny_whisper.h"
#include "support/test_paths.h"
#include "util/error.h"

namespace lv::stt {
namespace {

const std::filesystem::path kLibriVox =
    "/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0870.wav";

class WhisperSttTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    model_path_ = *dir_ / "ggml-tiny-random.bin";
    test::make_tiny_whisper_model(model_path_);
    WhisperSettings settings;
    settings.model_path = model_path_;
    settings.threads = 2;
    settings.temperature_inc = 0.0F;  // no fallback re-decodes: a random model would trigger every one
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
  static std::filesystem::path model_path_;
  static WhisperStt* engine_;
};
test::TempDir* WhisperSttTest::dir_ = nullptr;
std::filesystem::path WhisperSttTest::model_path_;
WhisperStt* WhisperSttTest::engine_ = nullptr;

TEST_F(WhisperSttTest, TranscribesARecordingIntoTextAndSegments) {
  const auto audio = recording();
  const auto transcript = engine_->transcribe(audio);
  // A random model produces nonsense, but it must produce it through the whole path.
  EXPECT_FALSE(transcript.text.empty());
  ASSERT_FALSE(transcript.segments.empty());
  for (const auto& segment : transcript.segments) {
    EXPECT_GE(segment.start_s, 0.0);
    EXPECT_LE(segment.start_s, segment.end_s);
    EXPECT_LE(segment.end_s, audio.duration_s() + 0.01);
    EXPECT_FALSE(segment.text.empty());
  }
  EXPECT_EQ(transcript.language, "en");
  EXPECT_NEAR(transcript.timings.audio_s, audio.duration_s(), 0.01);
  EXPECT_GT(transcript.timings.inference_ms, 0.0);
}

TEST_F(WhisperSttTest, RepeatedCallsReuseStatesAndAgree) {
  const auto audio = recording();
  const auto first = engine_->transcribe(audio);
  const auto second = engine_->transcribe(audio);
  EXPECT_EQ(first.text, second.text);
  auto other = std::async(std::launch::async, [&] { return engine_->transcribe(audio).text; });
  const auto here = engine_->transcribe(audio).text;
  EXPECT_EQ(other.get(), here);
  EXPECT_EQ(here, first.text);
}

TEST_F(WhisperSttTest, StopTokenCancels) {
  std::stop_source already;
  already.request_stop();
  EXPECT_THROW(engine_->transcribe(recording(), {}, already.get_token()), Cancelled);

  // Mid-computation: 70 s of audio is three 30 s windows. The stop comes from the first decoded segment, so
  // whisper is always still busy with the later windows, where the abort callback must end it.
  auto audio = recording();
  const auto piece = audio;
  while (audio.duration_s() < 70.0) {
    audio = test::concat(audio, piece);
  }
  std::stop_source stop;
  std::chrono::steady_clock::time_point requested;
  double last_segment_end_s = 0.0;
  TranscribeOptions options;
  options.on_segment = [&](const Segment& segment) {
    last_segment_end_s = segment.end_s;
    if (!stop.stop_requested()) {
      requested = std::chrono::steady_clock::now();
      stop.request_stop();
    }
  };
  EXPECT_THROW(engine_->transcribe(audio, options, stop.get_token()), Cancelled);
  const auto returned = std::chrono::steady_clock::now();
  ASSERT_TRUE(stop.stop_requested()) << "no segment was reported";
  EXPECT_LT(last_segment_end_s, 60.0);  // the last window was never decoded
  const double latency_ms = std::chrono::duration<double, std::milli>(returned - requested).count();
  EXPECT_LT(latency_ms, 250.0);  // generous for shared CI cores; whisper checks between graph nodes
  // The engine still works afterwards.
  EXPECT_FALSE(engine_->transcribe(piece).text.empty());
}

TEST_F(WhisperSttTest, EnglishOnlyModelRejectsOtherLanguages) {
  TranscribeOptions german;
  german.language = "de";
  EXPECT_THROW(engine_->transcribe(recording(), german), Error);
  TranscribeOptions bogus;
  bogus.language = "klingon";
  EXPECT_THROW(engine_->transcribe(recording(), bogus), Error);
  EXPECT_EQ(engine_->capabilities().languages, std::vector<std::string>{"en"});
}

void expect_load_error(const std::filesystem::path& path, const std::string& needle) {
  WhisperSettings settings;
  settings.model_path = path;
  try {
    WhisperStt engine(settings);
    FAIL() << "expected lv::Error for " << path;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    EXPECT_FALSE(e.fix().empty());
  }
}

TEST_F(WhisperSttTest, BadModelFilesGiveClearErrors) {
  expect_load_error(*dir_ / "missing.bin", "not found");

  const auto truncated = *dir_ / "truncated.bin";
  std::filesystem::copy_file(model_path_, truncated);
  std::filesystem::resize_file(truncated, std::filesystem::file_size(model_path_) / 2);
  expect_load_error(truncated, "truncated");

  const auto text = *dir_ / "notes.bin";
  std::ofstream(text) << "this is not a model at all, just some text that is long enough";
  expect_load_error(text, "not a whisper.cpp model");

  const auto gguf = *dir_ / "model.gguf";
  std::ofstream(gguf) << "GGUF" << std::string(64, '\0');
  expect_load_error(gguf, "GGUF");

  const auto header_only = *dir_ / "header.bin";
  std::filesystem::copy_file(model_path_, header_only);
  std::filesystem::resize_file(header_only, 20);
  expect_load_error(header_only, "truncated");
}

}  // namespace
}  // namespace lv::stt
