#include "stt/openai_stt.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "net/fixture_http_server.h"
#include "stt/speech_fixtures.h"
#include "util/error.h"

namespace lv::stt {
namespace {

using Clock = std::chrono::steady_clock;

OpenAiSttSettings settings_for(const std::string& base_url, int timeout_ms = 5000) {
  OpenAiSttSettings settings;
  settings.base_url = base_url;
  settings.model = "tiny-test";
  settings.timeout_ms = timeout_ms;
  settings.connect_timeout_ms = 1000;
  return settings;
}

// Error text of transcribe(), and how long it took to fail.
std::pair<std::string, double> failure(const OpenAiStt& engine) {
  const auto start = Clock::now();
  try {
    engine.transcribe(test::silence(0.5));
  } catch (const Error& e) {
    return {e.full_message(), std::chrono::duration<double, std::milli>(Clock::now() - start).count()};
  }
  return {"(no error)", 0.0};
}

TEST(OpenAiStt, SendsMultipartAndParsesVerboseJson) {
  test::FixtureHttpServer server;
  server.on("/v1/audio/transcriptions", [](const test::FixtureRequest&, test::FixtureResponder& out) {
    out.send(200,
             R"({"text":" hello world ","language":"en","segments":[{"start":0.1,"end":0.6,"text":" hello"},)"
             R"({"start":0.6,"end":1.2,"text":" world"}]})",
             {}, "application/json");
  });
  OpenAiStt engine(settings_for(server.url("/v1/")));
  EXPECT_EQ(engine.endpoint(), server.url("/v1/audio/transcriptions"));
  TranscribeOptions options;
  options.language = "de";
  options.prompt = "greetings";
  auto input = test::silence(1.5, 44100);
  input.samples[100] = 0.5F;
  const auto transcript = engine.transcribe(input, options);
  EXPECT_EQ(transcript.text, "hello world");
  EXPECT_EQ(transcript.language, "en");
  ASSERT_EQ(transcript.segments.size(), 2U);
  EXPECT_DOUBLE_EQ(transcript.segments[1].start_s, 0.6);
  EXPECT_EQ(transcript.segments[1].text, "world");
  EXPECT_NEAR(transcript.timings.audio_s, 1.5, 0.01);

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1U);
  const auto& request = requests[0];
  EXPECT_EQ(request.method, "POST");
  const auto type = request.header("content-type").value_or("");
  ASSERT_NE(type.find("multipart/form-data; boundary="), std::string::npos);
  for (const std::string expected : {"name=\"file\"; filename=\"audio.wav\"", "name=\"model\"\r\n\r\ntiny-test\r\n",
                                     "name=\"language\"\r\n\r\nde\r\n", "name=\"prompt\"\r\n\r\ngreetings\r\n",
                                     "name=\"response_format\"\r\n\r\nverbose_json\r\n", "RIFF", "WAVE"}) {
    EXPECT_NE(request.body.find(expected), std::string::npos) << expected;
  }
}

TEST(OpenAiStt, PlainJsonWithoutSegmentsGetsOneSegment) {
  test::FixtureHttpServer server;
  server.on("/v1/audio/transcriptions", [](const test::FixtureRequest&, test::FixtureResponder& out) {
    out.send(200, R"({"text":"turn it on"})", {}, "application/json");
  });
  const auto transcript = OpenAiStt(settings_for(server.url("/v1"))).transcribe(test::silence(2.0));
  ASSERT_EQ(transcript.segments.size(), 1U);
  EXPECT_EQ(transcript.segments[0].text, "turn it on");
  EXPECT_NEAR(transcript.segments[0].end_s, 2.0, 0.01);
}

TEST(OpenAiStt, ConnectionRefusedIsAClearError) {
  // A port that was just free: bind, read the port, close.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  const auto url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/v1";
  const auto [message, elapsed_ms] = failure(OpenAiStt(settings_for(url)));
  EXPECT_NE(message.find("127.0.0.1"), std::string::npos) << message;
  EXPECT_LT(elapsed_ms, 2000.0);
}

TEST(OpenAiStt, TimeoutIsAClearError) {
  test::FixtureHttpServer server;
  server.on("/v1/audio/transcriptions", [](const test::FixtureRequest&, test::FixtureResponder& out) { out.stall(); });
  const auto [message, elapsed_ms] = failure(OpenAiStt(settings_for(server.url("/v1"), 300)));
  EXPECT_NE(message.find("127.0.0.1"), std::string::npos) << message;
  EXPECT_LT(elapsed_ms, 2000.0);
  server.stop();
}

TEST(OpenAiStt, ServerErrorCarriesTheServersMessage) {
  test::FixtureHttpServer server;
  server.on("/v1/audio/transcriptions", [](const test::FixtureRequest&, test::FixtureResponder& out) {
    out.send(500, R"({"error":{"message":"model exploded","type":"server_error"}})", {}, "application/json");
  });
  const auto [message, elapsed_ms] = failure(OpenAiStt(settings_for(server.url("/v1"))));
  EXPECT_NE(message.find("HTTP 500"), std::string::npos) << message;
  EXPECT_NE(message.find("model exploded"), std::string::npos) << message;
}

TEST(OpenAiStt, MalformedJsonIsAClearError) {
  test::FixtureHttpServer server;
  server.on("/v1/audio/transcriptions", [](const test::FixtureRequest&, test::FixtureResponder& out) {
    out.send(200, R"({"text": "unterminated)", {}, "application/json");
  });
  const auto [message, elapsed_ms] = failure(OpenAiStt(settings_for(server.url("/v1"))));
  EXPECT_NE(message.find("malformed"), std::string::npos) << message;
}

TEST(OpenAiStt, StopTokenCancelsAWaitingRequest) {
  test::FixtureHttpServer server;
  server.on("/v1/audio/transcriptions", [](const test::FixtureRequest&, test::FixtureResponder& out) { out.stall(); });
  OpenAiStt engine(settings_for(server.url("/v1"), 30000));
  std::stop_source stop;
  std::jthread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    stop.request_stop();
  });
  const auto start = Clock::now();
  EXPECT_THROW(engine.transcribe(test::silence(0.5), {}, stop.get_token()), Cancelled);
  const double elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  EXPECT_LT(elapsed_ms, 1000.0);
  server.stop();
}

TEST(OpenAiStt, RejectsNonHttpUrls) { EXPECT_THROW(OpenAiStt(settings_for("ftp://x/v1")), Error); }

TEST(EncodeMultipart, FramesEachPart) {
  const auto body = encode_multipart({{"a", "1", "", ""}, {"f", "DATA", "x.wav", "audio/wav"}}, "XYZ");
  EXPECT_EQ(body,
            "--XYZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
            "--XYZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.wav\"\r\nContent-Type: audio/wav\r\n\r\n"
            "DATA\r\n--XYZ--\r\n");
}

}  // namespace
}  // namespace lv::stt
