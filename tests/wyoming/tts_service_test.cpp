// The Wyoming tts service with flite behind it: whole and streamed synthesis, the compatibility copy of a
// streamed text, voices, failures and closing, driven through its handler as a connection would.
#include "wyoming/tts_service.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "audio/pcm.h"
#include "session/session_runtime.h"
#include "session/task_pool.h"
#include "tts/flite_engine.h"
#include "util/error.h"
#include "wyoming/recording_event_writer.h"
#include "wyoming/wyoming_audio.h"

namespace lv::wyoming {
namespace {

using nlohmann::json;

Event event_of(std::string type, json data = json::object()) {
  Event event;
  event.type = std::move(type);
  event.data = std::move(data);
  return event;
}

tts::TtsEnginePtr flite() {
  static const auto engine = std::make_shared<tts::FliteEngine>("slt");
  return engine;
}

// All audio-chunk samples as float, checking each chunk's format on the way.
std::vector<float> audio_of(const std::vector<Event>& events, int rate_hz, std::size_t max_chunk_samples) {
  std::vector<std::int16_t> pcm;
  for (const auto& event : events) {
    if (event.type != "audio-chunk") {
      continue;
    }
    const auto format = audio_format(event.data);
    EXPECT_EQ(format.rate_hz, rate_hz);
    EXPECT_EQ(format.width_bytes, 2);
    EXPECT_EQ(format.channels, 1);
    EXPECT_LE(event.payload.size() / 2, max_chunk_samples);
    const auto samples = to_mono_pcm16(event, format, rate_hz);
    pcm.insert(pcm.end(), samples.begin(), samples.end());
  }
  return audio::pcm16_to_float(pcm);
}

std::vector<std::string> types_of(const std::vector<Event>& events) {
  std::vector<std::string> types;
  for (const auto& event : events) {
    if (types.empty() || types.back() != event.type || event.type != "audio-chunk") {
      types.push_back(event.type);
    }
  }
  return types;
}

class TtsServiceTest : public ::testing::Test {
 protected:
  TtsServiceTest()
      : service_(
            [] {
              return CurrentTts{flite(), "flite:slt"};
            },
            runtime_),
        writer_(std::make_shared<test::RecordingEventWriter>()) {
    handler_ = service_.open(writer_);
  }

  double seconds_of(const std::vector<Event>& events) const {
    return static_cast<double>(audio_of(events, 16000, 4000).size()) / 16000.0;
  }

  std::shared_ptr<session::SessionRuntime> runtime_ = std::make_shared<session::SessionRuntime>();
  TtsService service_;
  std::shared_ptr<test::RecordingEventWriter> writer_;
  std::unique_ptr<ServiceHandler> handler_;
};

TEST_F(TtsServiceTest, InfoOffersTheEnginesVoicesAndStreaming) {
  json info = json::object();
  service_.describe(info);
  ASSERT_EQ(info["tts"].size(), 1U);
  const auto& program = info["tts"][0];
  EXPECT_EQ(program["supports_synthesize_streaming"], true);
  EXPECT_EQ(program["installed"], true);
  std::vector<std::string> voices;
  for (const auto& voice : program["voices"]) {
    voices.push_back(voice["name"]);
    EXPECT_EQ(voice["languages"], json::array({"en-us"}));
    EXPECT_TRUE(voice["attribution"].contains("name"));
  }
  EXPECT_EQ(voices, flite()->capabilities().voices);
}

TEST_F(TtsServiceTest, SynthesizeAnswersWithAudioAtTheEnginesRate) {
  ASSERT_TRUE(handler_->on_event(event_of("synthesize", {{"text", "Hello there. The weather is fine today."}})));
  ASSERT_TRUE(writer_->wait_for("audio-stop"));
  const auto events = writer_->events();
  EXPECT_EQ(types_of(events), (std::vector<std::string>{"audio-start", "audio-chunk", "audio-stop"}));
  EXPECT_EQ(audio_format(events.front().data).rate_hz, flite()->sample_rate_hz());
  const auto samples = audio_of(events, 16000, 4000);  // chunks of at most 0.25 s
  const double seconds = static_cast<double>(samples.size()) / 16000.0;
  EXPECT_GT(seconds, 1.0);  // seven words
  EXPECT_LT(seconds, 6.0);
  EXPECT_GT(audio::rms_dbfs(samples), -35.0);
}

TEST_F(TtsServiceTest, StreamedTextIsSpokenOnceAndEndsWithSynthesizeStopped) {
  const std::string text = "Hello there. The weather is fine today.";
  handler_->on_event(event_of("synthesize", {{"text", text}}));
  ASSERT_TRUE(writer_->wait_for("audio-stop"));
  const double plain_s = seconds_of(writer_->events());

  auto streamed = std::make_shared<test::RecordingEventWriter>();
  const auto handler = service_.open(streamed);
  ASSERT_TRUE(handler->on_event(event_of("synthesize-start", {{"voice", {{"name", "slt"}}}})));
  ASSERT_TRUE(handler->on_event(event_of("synthesize-chunk", {{"text", "Hello there. The wea"}})));
  ASSERT_TRUE(handler->on_event(event_of("synthesize-chunk", {{"text", "ther is fine today."}})));
  // Home Assistant sends the whole text inside the stream too, for servers that cannot stream.
  ASSERT_TRUE(handler->on_event(event_of("synthesize", {{"text", text}})));
  ASSERT_TRUE(handler->on_event(event_of("synthesize-stop")));
  ASSERT_TRUE(streamed->wait_for("synthesize-stopped"));
  const auto events = streamed->events();
  EXPECT_EQ(types_of(events),
            (std::vector<std::string>{"audio-start", "audio-chunk", "audio-stop", "synthesize-stopped"}));
  EXPECT_NEAR(seconds_of(events), plain_s, plain_s * 0.2) << "the text was spoken once, sentence by sentence";
}

TEST_F(TtsServiceTest, ACopyOfTheStreamAfterItsStopIsIgnoredButANewRequestIsNot) {
  handler_->on_event(event_of("synthesize-start"));
  handler_->on_event(event_of("synthesize-chunk", {{"text", "Good morning."}}));
  handler_->on_event(event_of("synthesize-stop"));
  handler_->on_event(event_of("synthesize", {{"text", "Good morning."}}));
  handler_->on_event(event_of("synthesize", {{"text", "Goodbye."}}));
  ASSERT_TRUE(writer_->wait_for("audio-stop", 2));
  ASSERT_TRUE(writer_->wait_for("synthesize-stopped"));
  EXPECT_EQ(writer_->count("audio-start"), 2U);  // the stream and "Goodbye." (queued in order: nothing after)
}

TEST_F(TtsServiceTest, AnUnknownVoiceUsesTheDefaultAndBlankTextEndsAtOnce) {
  handler_->on_event(event_of("synthesize", {{"text", "Hi."}, {"voice", {{"name", "no-such-voice"}}}}));
  handler_->on_event(event_of("synthesize", {{"text", "  "}}));
  ASSERT_TRUE(writer_->wait_for("audio-stop", 2));
  EXPECT_EQ(writer_->count("error"), 0U);
  EXPECT_EQ(writer_->count("audio-start"), 2U);
}

TEST_F(TtsServiceTest, OtherServicesEventsAreNotTaken) {
  EXPECT_FALSE(handler_->on_event(event_of("transcribe")));
  EXPECT_FALSE(handler_->on_event(event_of("describe")));
}

// An engine that fails every call.
class FailingEngine final : public tts::TtsEngine {
 public:
  std::string name() const override { return "failing"; }
  const tts::TtsCapabilities& capabilities() const override { return capabilities_; }
  int sample_rate_hz(std::string_view /*voice*/) const override { return 22050; }

 protected:
  bool do_synthesize(std::string_view, const tts::SynthesisOptions&, const tts::AudioSink&, std::stop_token) override {
    throw Error("the voice model is missing", "install it");
  }

 private:
  tts::TtsCapabilities capabilities_;
};

TEST(TtsServiceFailureTest, AnEngineFailureIsAnErrorEventAndTheAudioStillEnds) {
  auto runtime = std::make_shared<session::SessionRuntime>();
  TtsService service([] { return CurrentTts{std::make_shared<FailingEngine>(), "failing:"}; }, runtime);
  auto writer = std::make_shared<test::RecordingEventWriter>();
  const auto handler = service.open(writer);
  handler->on_event(event_of("synthesize", {{"text", "One. Two. Three."}}));
  ASSERT_TRUE(writer->wait_for("audio-stop"));
  EXPECT_EQ(writer->count("error"), 1U);  // once per request, not per sentence
  const auto events = writer->events();
  const auto error = std::find_if(events.begin(), events.end(), [](const Event& e) { return e.type == "error"; });
  EXPECT_NE(error->data["text"].get<std::string>().find("the voice model is missing"), std::string::npos);
  EXPECT_EQ(audio_format(events.front().data).rate_hz, 22050);
}

TEST_F(TtsServiceTest, NothingIsWrittenAfterClose) {
  handler_->on_event(event_of("synthesize", {{"text",
                                              "This is a long text. It has several sentences. "
                                              "Each one takes a while to say. There are more. "
                                              "And more still. The end is far away."}}));
  handler_->close();
  const std::size_t at_close = writer_->events().size();
  runtime_->tts_pool().wait_idle(60000);
  EXPECT_EQ(writer_->events().size(), at_close);
}

TEST(TtsServiceLoadingTest, BeforeAnEngineLoadsInfoSaysNotInstalledAndRequestsGetAnError) {
  auto runtime = std::make_shared<session::SessionRuntime>();
  TtsService service([] { return CurrentTts{}; }, runtime);
  json info = json::object();
  service.describe(info);
  EXPECT_EQ(info["tts"][0]["installed"], false);
  auto writer = std::make_shared<test::RecordingEventWriter>();
  const auto handler = service.open(writer);
  handler->on_event(event_of("synthesize", {{"text", "Hello."}}));
  ASSERT_TRUE(writer->wait_for("error"));
  EXPECT_EQ(writer->events().front().data["code"], "tts-unavailable");
}

}  // namespace
}  // namespace lv::wyoming
