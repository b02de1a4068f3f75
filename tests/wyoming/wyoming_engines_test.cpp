// The wyoming:// stt and tts engines against a server written with python3-wyoming's own server classes: audio
// sent and transcripts read, speech synthesized and converted to the engine's rate, and the errors a user sees.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <functional>
#include <numbers>
#include <string>
#include <vector>

#include "audio/pcm.h"
#include "engine/engine_registry.h"
#include "stt/register_stt.h"
#include "stt/utterance_decoder.h"
#include "support/test_paths.h"
#include "tts/tts_engines.h"
#include "util/error.h"
#include "util/unique_fd.h"
#include "wyoming/python_wyoming_server.h"

namespace lv::wyoming {
namespace {

using test::PythonWyomingServer;

int closed_port() {
  util::UniqueFd fd(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length);
  return ntohs(address.sin_port);
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.full_message();
  }
  return "(no error)";
}

stt::SttEnginePtr stt_engine(const std::string& url) {
  engine::EngineRegistry<stt::SttEngine> registry(engine::EngineKind::stt);
  stt::register_stt_engines(registry, {});
  return registry.create(registry.parse(url));
}

tts::TtsEnginePtr tts_engine(const std::string& url) {
  engine::EngineRegistry<tts::TtsEngine> registry(engine::EngineKind::tts);
  tts::register_tts_engines(registry);
  return registry.create(registry.parse(url));
}

std::string engine_url(const PythonWyomingServer& server, const std::string& query = "") {
  return "wyoming://127.0.0.1:" + std::to_string(server.port()) + query;
}

audio::AudioBuffer sine(double seconds, int rate_hz) {
  audio::AudioBuffer buffer;
  buffer.sample_rate_hz = rate_hz;
  const auto count = static_cast<std::size_t>(seconds * rate_hz);
  for (std::size_t i = 0; i < count; ++i) {
    buffer.samples.push_back(0.3F * static_cast<float>(std::sin(2.0 * std::numbers::pi * 300.0 * i / rate_hz)));
  }
  return buffer;
}

std::vector<nlohmann::json> logged_requests(const std::filesystem::path& log) {
  std::vector<nlohmann::json> events;
  std::ifstream in(log);
  for (std::string line; std::getline(in, line);) {
    events.push_back(nlohmann::json::parse(line));
  }
  return events;
}

TEST(WyomingSttEngineTest, TranscribesARecordingSentAs16kHzPcm) {
  test::TempDir dir;
  PythonWyomingServer server({"--mode", "asr", "--log", (dir / "requests.jsonl").string()});
  ASSERT_TRUE(server.ready()) << server.output();
  const auto engine = stt_engine(engine_url(server, "?model=tiny-int8&language=de"));
  EXPECT_TRUE(engine->capabilities().streaming);

  // 8 kHz input is resampled: the server hears one second at 16 kHz.
  const auto transcript = engine->transcribe(sine(1.0, 8000));
  EXPECT_EQ(transcript.text, "heard 16000 samples at 16000 hz");
  EXPECT_EQ(transcript.language, "de");
  EXPECT_NEAR(transcript.timings.audio_s, 1.0, 1e-9);

  const auto requests = logged_requests(dir / "requests.jsonl");
  ASSERT_GE(requests.size(), 3U);
  EXPECT_EQ(requests[0]["type"], "transcribe");
  EXPECT_EQ(requests[0]["data"]["name"], "tiny-int8");
  EXPECT_EQ(requests[0]["data"]["language"], "de");
  EXPECT_EQ(requests[1]["type"], "audio-start");
  EXPECT_EQ(requests[1]["data"]["rate"], 16000);
  EXPECT_EQ(requests.back()["type"], "audio-stop");
}

TEST(WyomingSttEngineTest, AnUtteranceStreamsItsAudioAsItIsFed) {
  PythonWyomingServer server({"--mode", "asr", "--stream-transcript"});
  ASSERT_TRUE(server.ready()) << server.output();
  const auto engine = stt_engine(engine_url(server));
  auto utterance = engine->open_utterance();
  EXPECT_TRUE(utterance->decodes_while_fed());
  const auto piece = sine(0.1, 16000);
  for (int i = 0; i < 12; ++i) {
    utterance->feed(piece.samples);
    // The server's streamed transcript-chunk is the running hypothesis once it has arrived.
    const std::string partial = utterance->partial();
    EXPECT_TRUE(partial.empty() || partial == "half") << partial;
  }
  EXPECT_NEAR(utterance->fed_s(), 1.2, 1e-9);
  const auto transcript = utterance->finish();
  EXPECT_EQ(transcript.text, "heard 19200 samples at 16000 hz");
  EXPECT_THROW(utterance->partial(), Error);  // spent
}

TEST(WyomingSttEngineTest, UnixSocketServer) {
  test::TempDir dir;
  const auto socket = dir / "asr.sock";
  PythonWyomingServer server({"--mode", "asr", "--uri", "unix://" + socket.string()});
  ASSERT_TRUE(server.ready()) << server.output();
  EXPECT_EQ(stt_engine("wyoming://" + socket.string())->transcribe(sine(0.5, 16000)).text,
            "heard 8000 samples at 16000 hz");
}

TEST(WyomingSttEngineTest, RefusedPortNamesTheServerToStart) {
  const std::string url = "wyoming://127.0.0.1:" + std::to_string(closed_port());
  const auto engine = stt_engine(url);  // loading never contacts the server
  const std::string message = error_of([&] { engine->transcribe(sine(0.2, 16000)); });
  EXPECT_NE(message.find("cannot connect to Wyoming server tcp://127.0.0.1:"), std::string::npos) << message;
  EXPECT_NE(message.find("wyoming-faster-whisper"), std::string::npos) << message;
}

TEST(WyomingSttEngineTest, ServerThatNeverAnswersTimesOut) {
  PythonWyomingServer server({"--mode", "silent"});
  ASSERT_TRUE(server.ready()) << server.output();
  const auto engine = stt_engine(engine_url(server, "?timeout_ms=300"));
  const std::string message = error_of([&] { engine->transcribe(sine(0.2, 16000)); });
  EXPECT_NE(message.find("did not send the transcript within 300 ms"), std::string::npos) << message;
}

TEST(WyomingSttEngineTest, ServerClosingMidStreamIsAnError) {
  PythonWyomingServer server({"--mode", "close"});
  ASSERT_TRUE(server.ready()) << server.output();
  const std::string message = error_of([&] { stt_engine(engine_url(server))->transcribe(sine(2.0, 16000)); });
  EXPECT_NE(message.find("closed the connection"), std::string::npos) << message;
}

TEST(WyomingSttEngineTest, ServerErrorEventCarriesItsMessage) {
  PythonWyomingServer server({"--mode", "error"});
  ASSERT_TRUE(server.ready()) << server.output();
  const std::string message = error_of([&] { stt_engine(engine_url(server))->transcribe(sine(0.2, 16000)); });
  EXPECT_NE(message.find("no-model: model not loaded"), std::string::npos) << message;
}

TEST(WyomingSttEngineTest, StopRequestedCancels) {
  PythonWyomingServer server({"--mode", "silent"});
  ASSERT_TRUE(server.ready()) << server.output();
  std::stop_source stop;
  stop.request_stop();
  EXPECT_THROW(stt_engine(engine_url(server))->transcribe(sine(0.2, 16000), {}, stop.get_token()), stt::Cancelled);
}

TEST(WyomingSttEngineTest, MalformedServerInUrlIsRejectedAtLoad) {
  EXPECT_NE(error_of([] { stt_engine("wyoming:127.0.0.1:10300"); }).find("wyoming://HOST:PORT"), std::string::npos);
  EXPECT_NE(error_of([] { stt_engine("wyoming://127.0.0.1:10300?beam=5"); }).find("beam"), std::string::npos);
}

TEST(WyomingTtsEngineTest, SynthesizesAndPassesTheVoice) {
  test::TempDir dir;
  PythonWyomingServer server({"--mode", "tts", "--log", (dir / "requests.jsonl").string()});
  ASSERT_TRUE(server.ready()) << server.output();
  const auto engine = tts_engine(engine_url(server, "?voice=en_US-amy-low&speaker=2"));
  EXPECT_EQ(engine->sample_rate_hz(), 22050);
  const auto out = tts::synthesize_to_buffer(*engine, "one two three four five");
  EXPECT_EQ(out.audio.sample_rate_hz, 22050);
  EXPECT_EQ(out.audio.samples.size(), 11025U);  // 0.1 s a word at the server's (and engine's) 22050 Hz
  EXPECT_GT(audio::rms_dbfs(out.audio.samples), -20.0);

  const auto requests = logged_requests(dir / "requests.jsonl");
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0]["type"], "synthesize");
  EXPECT_EQ(requests[0]["data"]["text"], "one two three four five");
  EXPECT_EQ(requests[0]["data"]["voice"]["name"], "en_US-amy-low");
  EXPECT_EQ(requests[0]["data"]["voice"]["speaker"], "2");

  tts::SynthesisOptions options;
  options.voice = "de_DE-thorsten-medium";
  tts::synthesize_to_buffer(*engine, "hallo", options);
  EXPECT_EQ(logged_requests(dir / "requests.jsonl").back()["data"]["voice"]["name"], "de_DE-thorsten-medium");
}

TEST(WyomingTtsEngineTest, ConvertsStereo16kHzToTheEnginesRate) {
  PythonWyomingServer server({"--mode", "tts", "--rate", "16000", "--channels", "2"});
  ASSERT_TRUE(server.ready()) << server.output();
  const auto engine = tts_engine(engine_url(server, "?sample_rate=24000"));
  const auto out = tts::synthesize_to_buffer(*engine, "one two three four five six seven eight nine ten");
  EXPECT_EQ(out.audio.sample_rate_hz, 24000);
  EXPECT_EQ(out.audio.channels, 1);
  EXPECT_NEAR(static_cast<double>(out.audio.samples.size()), 24000.0, 240.0);  // 1 s
  EXPECT_GT(audio::rms_dbfs(out.audio.samples), -20.0);
}

TEST(WyomingTtsEngineTest, ErrorsNameTheServer) {
  const auto refused = tts_engine("wyoming://127.0.0.1:" + std::to_string(closed_port()));
  std::string message = error_of([&] { tts::synthesize_to_buffer(*refused, "hello"); });
  EXPECT_NE(message.find("cannot connect to Wyoming server"), std::string::npos) << message;
  EXPECT_NE(message.find("wyoming-piper"), std::string::npos) << message;

  PythonWyomingServer silent({"--mode", "silent"});
  ASSERT_TRUE(silent.ready()) << silent.output();
  message = error_of([&] { tts::synthesize_to_buffer(*tts_engine(engine_url(silent, "?timeout_ms=300")), "hi"); });
  EXPECT_NE(message.find("did not send audio within 300 ms"), std::string::npos) << message;

  PythonWyomingServer closing({"--mode", "close", "--rate", "16000"});
  ASSERT_TRUE(closing.ready()) << closing.output();
  message = error_of([&] { tts::synthesize_to_buffer(*tts_engine(engine_url(closing)), "one two three four"); });
  EXPECT_NE(message.find("closed the connection before sending the rest of the audio"), std::string::npos) << message;

  PythonWyomingServer failing({"--mode", "error"});
  ASSERT_TRUE(failing.ready()) << failing.output();
  message = error_of([&] { tts::synthesize_to_buffer(*tts_engine(engine_url(failing)), "hi"); });
  EXPECT_NE(message.find("no-voice: unknown voice"), std::string::npos) << message;
}

}  // namespace
}  // namespace lv::wyoming
