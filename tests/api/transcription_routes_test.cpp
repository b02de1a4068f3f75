#include "api/transcription_routes.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "audio/resampler.h"
#include "audio/wav.h"
#include "metrics/registry.h"
#include "net/http_client.h"
#include "server/http_server.h"
#include "stt/openai_stt.h"
#include "stt/pocketsphinx_stt.h"
#include "stt/speech_fixtures.h"
#include "stt/wer.h"

namespace lv::api {
namespace {

using nlohmann::json;

// ---- multipart parsing -------------------------------------------------------------------------------

int status_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const server::HttpError& e) {
    return e.status();
  }
  return 0;
}

std::string message_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const server::HttpError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(MultipartParser, ParsesFieldsFilesAndQuotedParameters) {
  const std::string body =
      "preamble to ignore\r\n"
      "--b0undary\r\n"
      "Content-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n"
      "--b0undary\r\n"
      "content-disposition: form-data; name=\"file\"; filename=\"my; file.wav\"\r\n"
      "Content-Type: audio/wav\r\n\r\nRIFF\r\n--not-the-boundary\r\n\r\n"
      "--b0undary--\r\nepilogue";
  const auto fields = parse_multipart_form_data("multipart/form-data; boundary=\"b0undary\"", body);
  ASSERT_EQ(fields.size(), 2U);
  EXPECT_EQ(fields[0].name, "model");
  EXPECT_EQ(fields[0].data, "whisper-1");
  EXPECT_EQ(fields[1].name, "file");
  EXPECT_EQ(fields[1].filename, "my; file.wav");
  EXPECT_EQ(fields[1].content_type, "audio/wav");
  EXPECT_EQ(fields[1].data, "RIFF\r\n--not-the-boundary\r\n");
}

TEST(MultipartParser, RoundTripsTheClientEncoder) {
  const std::string binary("\0\r\n--x\xff", 7);
  const auto body = stt::encode_multipart({{"file", binary, "a.wav", "audio/wav"}, {"language", "en", "", ""}}, "XyZ");
  const auto fields = parse_multipart_form_data("Multipart/Form-Data; charset=utf-8; boundary=XyZ", body);
  ASSERT_EQ(fields.size(), 2U);
  EXPECT_EQ(fields[0].data, binary);
  EXPECT_EQ(fields[1].data, "en");
}

TEST(MultipartParser, RejectsMalformedBodiesWith400) {
  const std::string good = "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--B--\r\n";
  EXPECT_EQ(status_of([&] { parse_multipart_form_data("application/json", good); }), 400);
  EXPECT_EQ(status_of([&] { parse_multipart_form_data("multipart/form-data", good); }), 400);
  EXPECT_EQ(status_of([&] { parse_multipart_form_data("multipart/form-data; boundary=Q", good); }), 400);
  EXPECT_NE(message_of([&] {
              parse_multipart_form_data("multipart/form-data; boundary=B", good.substr(0, 50));
            }).find("truncated"),
            std::string::npos);
  EXPECT_EQ(status_of([&] {
              parse_multipart_form_data("multipart/form-data; boundary=B", "--B\r\nX-Other: 1\r\n\r\n1\r\n--B--\r\n");
            }),
            400);
  EXPECT_EQ(status_of([&] { parse_multipart_form_data("multipart/form-data; boundary=B", ""); }), 400);
}

TEST(SubtitleFormats, RenderSegmentsWithTimestamps) {
  stt::Transcript transcript;
  transcript.segments = {{0.5, 2.25, "hello there", 0.0F}, {3661.001, 3662.0, "later", 0.0F}};
  EXPECT_EQ(format_srt(transcript),
            "1\n00:00:00,500 --> 00:00:02,250\nhello there\n\n2\n01:01:01,001 --> 01:01:02,000\nlater\n\n");
  EXPECT_EQ(format_vtt(transcript),
            "WEBVTT\n\n00:00:00.500 --> 00:00:02.250\nhello there\n\n01:01:01.001 --> 01:01:02.000\nlater\n\n");
}

// ---- the served route, with the real pocketsphinx engine -------------------------------------------

class TranscriptionRouteTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    engine_ = new stt::SttEnginePtr(std::make_shared<stt::PocketsphinxStt>());
    server::Router router;
    TranscriptionRoutesOptions options;
    options.max_upload_bytes = std::size_t{2} << 20;
    add_transcription_routes(router, *engine_, options);
    server_ =
        new server::HttpServer(server::HttpServerOptions{}, std::move(router), std::make_shared<metrics::Registry>());
    port_ = server_->start();
    speech_ = new audio::AudioBuffer(test::concat(
        test::concat(test::silence(0.3), test::flite_speech("please turn on the kitchen lights")), test::silence(0.3)));
  }
  static void TearDownTestSuite() {
    server_->stop();
    delete server_;
    delete engine_;
    delete speech_;
  }

  static std::string base_url() { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }

  static net::HttpClientResponse post(const std::vector<stt::MultipartPart>& parts) {
    net::HttpClientRequest request;
    request.method = "POST";
    request.url = base_url() + "/audio/transcriptions";
    request.headers.emplace_back("Content-Type", "multipart/form-data; boundary=TestBoundary42");
    request.body = stt::encode_multipart(parts, "TestBoundary42");
    request.total_timeout_ms = 30000;
    return net::http_request(request);
  }

  static std::vector<stt::MultipartPart> form(const std::string& wav, const std::string& format) {
    return {
        {"file", wav, "speech.wav", "audio/wav"}, {"model", "whisper-1", "", ""}, {"response_format", format, "", ""}};
  }

  static stt::SttEnginePtr* engine_;
  static server::HttpServer* server_;
  static std::uint16_t port_;
  static audio::AudioBuffer* speech_;
};
stt::SttEnginePtr* TranscriptionRouteTest::engine_ = nullptr;
server::HttpServer* TranscriptionRouteTest::server_ = nullptr;
std::uint16_t TranscriptionRouteTest::port_ = 0;
audio::AudioBuffer* TranscriptionRouteTest::speech_ = nullptr;

constexpr const char* kSentence = "please turn on the kitchen lights";

TEST_F(TranscriptionRouteTest, EveryResponseFormatCarriesTheTranscript) {
  // 44.1 kHz stereo upload: the route resamples and downmixes.
  auto resampled = audio::resample(*speech_, 44100);
  audio::AudioBuffer stereo{{}, 44100, 2};
  for (const float sample : resampled.samples) {
    stereo.samples.insert(stereo.samples.end(), {sample, sample});
  }
  const auto wav = audio::encode_wav(stereo);

  const auto plain = post(form(wav, "json"));
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_LE(stt::word_error_rate(kSentence, json::parse(plain.body).at("text").get<std::string>()), 0.2);

  // The plain formats on a short clip (each request decodes again).
  const auto short_wav = audio::encode_wav(test::concat(test::flite_speech("what time is it"), test::silence(0.2)));
  const auto text = post(form(short_wav, "text"));
  ASSERT_EQ(text.status, 200);
  EXPECT_LE(stt::word_error_rate("what time is it", text.body), 0.25) << text.body;

  const auto verbose = post(form(wav, "verbose_json"));
  ASSERT_EQ(verbose.status, 200);
  const auto body = json::parse(verbose.body);
  EXPECT_NEAR(body.at("duration").get<double>(), speech_->duration_s(), 0.02);
  EXPECT_EQ(body.at("language"), "en");
  ASSERT_FALSE(body.at("segments").empty());
  EXPECT_LT(body["segments"][0].at("start").get<double>(), body["segments"][0].at("end").get<double>());

  const auto srt = post(form(short_wav, "srt"));
  ASSERT_EQ(srt.status, 200);
  EXPECT_EQ(srt.body.substr(0, 5), "1\n00:");
  const auto vtt = post(form(short_wav, "vtt"));
  ASSERT_EQ(vtt.status, 200);
  EXPECT_EQ(vtt.body.substr(0, 8), "WEBVTT\n\n");
}

TEST_F(TranscriptionRouteTest, BadRequestsGetOpenAiShapedErrors) {
  const auto wav = audio::encode_wav(*speech_);
  const auto error_message = [](const net::HttpClientResponse& response) {
    return json::parse(response.body).at("error").at("message").get<std::string>();
  };
  const auto wrong_field = post({{"audio", wav, "speech.wav", "audio/wav"}});
  EXPECT_EQ(wrong_field.status, 400);
  EXPECT_NE(error_message(wrong_field).find("'file'"), std::string::npos);
  EXPECT_NE(error_message(wrong_field).find("audio"), std::string::npos);

  const auto missing = post({{"model", "whisper-1", "", ""}});
  EXPECT_EQ(missing.status, 400);

  const auto not_audio = post(form("this is a text file, not a recording at all", "json"));
  EXPECT_EQ(not_audio.status, 400);
  EXPECT_NE(error_message(not_audio).find("audio"), std::string::npos);

  const auto bad_format = post(form(wav, "docx"));
  EXPECT_EQ(bad_format.status, 400);

  const auto german = post({{"file", wav, "a.wav", "audio/wav"}, {"language", "de", "", ""}});
  EXPECT_EQ(german.status, 400);

  // Over the 2 MiB limit: rejected before the handler reads it.
  const auto huge = post(form(std::string(std::size_t{3} << 20, 'x'), "json"));
  EXPECT_EQ(huge.status, 413) << huge.body;
}

// Real recordings are often over a megabyte (10 s of 44.1 kHz stereo is 1.7 MB).
TEST_F(TranscriptionRouteTest, AcceptsUploadsOfSeveralMegabytes) {
  auto long_speech = test::concat(*speech_, test::silence(7.0));
  auto resampled = audio::resample(long_speech, 44100);
  audio::AudioBuffer stereo{{}, 44100, 2};
  for (const float sample : resampled.samples) {
    stereo.samples.insert(stereo.samples.end(), {sample, sample});
  }
  const auto wav = audio::encode_wav(stereo);
  ASSERT_GT(wav.size(), std::size_t{3} << 19);
  const auto response = post(form(wav, "json"));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_LE(stt::word_error_rate(kSentence, json::parse(response.body).at("text").get<std::string>()), 0.2);
}

// The remote STT client against this server: LocalVoice as its own transcription backend.
TEST_F(TranscriptionRouteTest, OpenAiClientTranscribesThroughTheRoute) {
  stt::OpenAiSttSettings settings;
  settings.base_url = base_url();
  const stt::OpenAiStt remote(settings);
  const auto transcript = remote.transcribe(*speech_);
  EXPECT_LE(stt::word_error_rate(kSentence, transcript.text), 0.2) << transcript.text;
  ASSERT_FALSE(transcript.segments.empty());
  EXPECT_EQ(transcript.language, "en");
}

}  // namespace
}  // namespace lv::api
