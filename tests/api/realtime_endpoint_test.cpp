// Protocol tests for /v1/realtime over a real WebSocket: every client event, every server event's encoding,
// and every malformed case, against a scripted voice session.
#include "api/realtime_endpoint.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/realtime_codec.h"
#include "metrics/registry.h"
#include "server/http_server.h"
#include "server/test_client.h"
#include "util/error.h"

namespace lv::api {
namespace {

using nlohmann::json;

// Records what the endpoint asks of the session; tests push events through its sink.
class ScriptedSession final : public session::VoiceSession {
 public:
  explicit ScriptedSession(session::EventSink sink) : sink_(std::move(sink)) {}

  void start() override {
    session::SessionStarted started;
    started.session_id = "sess-1";
    started.engines = {{"llm", "", "absent", "none configured"}};
    started.degraded = {"No language model installed: run localvoice models pull --profile small"};
    started.input_sample_rate_hz = options_.input_sample_rate_hz;
    started.output_sample_rate_hz = options_.output_sample_rate_hz;
    emit(started);
    emit(session::StateChanged{0, session::AgentState::listening});
  }
  bool push_audio(std::span<const std::int16_t> samples) override {
    const std::lock_guard lock(mutex_);
    audio_.insert(audio_.end(), samples.begin(), samples.end());
    ++frames_;
    return true;
  }
  void push_text(std::string text) override {
    const std::lock_guard lock(mutex_);
    texts_.push_back(std::move(text));
  }
  void commit_input() override { ++commits_; }
  void interrupt() override { ++interrupts_; }
  void report_playout(session::TurnId turn, std::uint32_t seq) override {
    const std::lock_guard lock(mutex_);
    playouts_.emplace_back(turn, seq);
  }
  void update(const session::SessionUpdate& update) override {
    if (update.voice && *update.voice == "no-such-voice") {
      throw Error("unknown voice 'no-such-voice'", "pick one of: slt");
    }
    const std::lock_guard lock(mutex_);
    if (update.turn_taking) {
      options_.turn_taking = *update.turn_taking;
    }
    if (update.system_prompt) {
      options_.system_prompt = *update.system_prompt;
    }
    if (update.voice) {
      options_.voice = *update.voice;
    }
    if (update.input_sample_rate_hz) {
      options_.input_sample_rate_hz = *update.input_sample_rate_hz;
    }
    if (update.output_sample_rate_hz) {
      options_.output_sample_rate_hz = *update.output_sample_rate_hz;
    }
  }
  void close() override { ++closes_; }
  const std::string& id() const override { return id_; }
  session::SessionOptions options() const override {
    const std::lock_guard lock(mutex_);
    return options_;
  }

  void emit(session::SessionEvent event) { sink_(std::move(event)); }

  std::vector<std::int16_t> audio() const {
    const std::lock_guard lock(mutex_);
    return audio_;
  }
  int frames() const {
    const std::lock_guard lock(mutex_);
    return frames_;
  }
  std::vector<std::string> texts() const {
    const std::lock_guard lock(mutex_);
    return texts_;
  }
  std::vector<std::pair<session::TurnId, std::uint32_t>> playouts() const {
    const std::lock_guard lock(mutex_);
    return playouts_;
  }

  std::atomic<int> commits_{0};
  std::atomic<int> interrupts_{0};
  std::atomic<int> closes_{0};

 private:
  session::EventSink sink_;
  std::string id_ = "sess-1";
  mutable std::mutex mutex_;
  session::SessionOptions options_;
  std::vector<std::int16_t> audio_;
  int frames_ = 0;
  std::vector<std::string> texts_;
  std::vector<std::pair<session::TurnId, std::uint32_t>> playouts_;
};

// A WebSocket client whose reads give up after a timeout, so a missing event fails the test instead of hanging.
class Client {
 public:
  Client(std::uint16_t port, const std::string& path = "/v1/realtime") : ws_(port, path) {
    timeval timeout{3, 0};
    const int fd = boost::beast::get_lowest_layer(ws_.stream()).socket().native_handle();
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  void send(const json& event) { ws_.send_text(event.dump()); }
  void send_text(const std::string& text) { ws_.send_text(text); }
  void send_binary(const std::string& data) { ws_.send_binary(data); }
  // The next message, with whether it was binary.
  std::pair<bool, std::string> read_any() {
    auto message = ws_.read();
    return {ws_.stream().got_binary(), std::move(message)};
  }
  json read() {
    auto [binary, message] = read_any();
    EXPECT_FALSE(binary);
    return json::parse(message);
  }
  // Reads events until one of `type` arrives (skipping others); fails after the socket timeout.
  json read_until(const std::string& type) {
    for (;;) {
      auto event = read();
      if (event["type"] == type) {
        return event;
      }
    }
  }
  std::string error_code() {
    const auto event = read_until("error");
    return event["error"]["code"].get<std::string>();
  }
  int read_until_closed() { return ws_.read_until_closed(); }

 private:
  test::WsClient ws_;
};

std::string frame(std::uint32_t seq, std::size_t samples, std::int16_t value = 100) {
  return realtime::encode_audio_frame({0, seq, seq * 20}, std::vector<std::int16_t>(samples, value));
}

class RealtimeEndpointTest : public ::testing::Test {
 protected:
  void start(bool sessions_available = true) {
    server::Router router;
    RealtimeContext context;
    if (sessions_available) {
      context.make_session = [this](const std::string&, session::EventSink sink) -> session::VoiceSessionPtr {
        if (loading_) {
          return nullptr;
        }
        auto created = std::make_shared<ScriptedSession>(std::move(sink));
        const std::lock_guard lock(mutex_);
        sessions_.push_back(created);
        return created;
      };
    }
    add_realtime_endpoint(router, context);
    server_ = std::make_unique<server::HttpServer>(server::HttpServerOptions{}, std::move(router),
                                                   std::make_shared<metrics::Registry>());
    port_ = server_->start();
  }
  void TearDown() override {
    if (server_) {
      server_->stop();
    }
  }
  std::shared_ptr<ScriptedSession> session(std::size_t index = 0) {
    const std::lock_guard lock(mutex_);
    return sessions_.at(index);
  }
  // Connects and consumes the greeting (session.created, agent.state).
  std::unique_ptr<Client> connect() {
    auto client = std::make_unique<Client>(port_);
    EXPECT_EQ(client->read()["type"], "session.created");
    EXPECT_EQ(client->read()["type"], "agent.state");
    return client;
  }
  // A round trip that proves every earlier message has been handled by the endpoint.
  static void sync(Client& client) {
    client.send(json{{"type", "sync.barrier"}});
    EXPECT_EQ(client.error_code(), "unknown_event");
  }

  std::unique_ptr<server::HttpServer> server_;
  std::uint16_t port_ = 0;
  std::atomic<bool> loading_{false};
  std::mutex mutex_;
  std::vector<std::shared_ptr<ScriptedSession>> sessions_;
};

TEST_F(RealtimeEndpointTest, GreetsWithTheSessionItsEnginesAndFormats) {
  start();
  Client client(port_);
  const auto created = client.read();
  ASSERT_EQ(created["type"], "session.created");
  const auto& s = created["session"];
  EXPECT_EQ(s["id"], "sess-1");
  EXPECT_EQ(s["protocol"], 1);
  EXPECT_EQ(s["input_audio_format"]["sample_rate_hz"], 16000);
  EXPECT_EQ(s["output_audio_format"]["sample_rate_hz"], 24000);
  EXPECT_EQ(s["turn_detection"]["silence_duration_ms"], 500);
  EXPECT_EQ(s["engines"][0]["kind"], "llm");
  EXPECT_NE(s["degraded"][0].get<std::string>().find("models pull"), std::string::npos);
  const auto state = client.read();
  EXPECT_EQ(state["type"], "agent.state");
  EXPECT_EQ(state["state"], "listening");
}

TEST_F(RealtimeEndpointTest, UnsupportedProtocolVersionIsAnErrorThenAClose) {
  start();
  Client client(port_, "/v1/realtime?protocol=7");
  const auto error = client.read();
  EXPECT_EQ(error["error"]["code"], "unsupported_protocol");
  EXPECT_EQ(client.read_until_closed(), 1002);
}

TEST_F(RealtimeEndpointTest, SessionUpdateChangesTheSessionAndAnswersWithTheWholeSession) {
  start();
  auto client = connect();
  client->send({{"type", "session.update"},
                {"session",
                 {{"instructions", "Be terse."},
                  {"voice", "slt"},
                  {"input_audio_format", {{"type", "pcm16"}, {"sample_rate_hz", 48000}}},
                  {"turn_detection", {{"silence_duration_ms", 700}, {"interrupt_response", false}}}}}});
  const auto updated = client->read();
  ASSERT_EQ(updated["type"], "session.updated");
  EXPECT_EQ(updated["session"]["instructions"], "Be terse.");
  EXPECT_EQ(updated["session"]["input_audio_format"]["sample_rate_hz"], 48000);
  EXPECT_EQ(updated["session"]["turn_detection"]["silence_duration_ms"], 700);
  EXPECT_EQ(updated["session"]["turn_detection"]["interrupt_response"], false);
  EXPECT_EQ(updated["session"]["turn_detection"]["min_speech_ms"], 250);  // untouched fields keep their values
  EXPECT_EQ(session()->options().turn_taking.end_of_turn_silence_ms, 700);
}

TEST_F(RealtimeEndpointTest, InvalidSessionUpdatesNameTheFieldAndChangeNothing) {
  start();
  auto client = connect();
  const std::vector<std::pair<json, std::string>> cases = {
      {json{{"type", "session.update"}}, "'session' is missing"},
      {json{{"type", "session.update"}, {"session", 5}}, "'session' must be an object"},
      {json{{"type", "session.update"}, {"session", {{"turn_detection", {{"silence_duration_ms", "long"}}}}}},
       "silence_duration_ms"},
      {json{{"type", "session.update"}, {"session", {{"turn_detection", {{"silence_duration_ms", 5}}}}}},
       "between 100 and 10000"},
      {json{{"type", "session.update"}, {"session", {{"turn_detection", {{"interrupt_response", "yes"}}}}}},
       "interrupt_response"},
      {json{{"type", "session.update"}, {"session", {{"instructions", 42}}}}, "'session.instructions'"},
      {json{{"type", "session.update"}, {"session", {{"input_audio_format", {{"type", "opus"}}}}}}, "pcm16"},
      {json{{"type", "session.update"}, {"session", {{"output_audio_format", {{"sample_rate_hz", 1}}}}}},
       "sample_rate_hz"},
      {json{{"type", "session.update"}, {"session", {{"model", "gpt"}}}}, "'session.model' cannot be changed"},
      {json{{"type", "session.update"}, {"session", {{"voice", "no-such-voice"}}}}, "unknown voice"},
  };
  for (const auto& [event, expected] : cases) {
    client->send(event);
    const auto error = client->read_until("error");
    EXPECT_EQ(error["error"]["code"], "invalid_value") << event.dump();
    EXPECT_NE(error["error"]["message"].get<std::string>().find(expected), std::string::npos)
        << event.dump() << " -> " << error.dump();
  }
  EXPECT_EQ(session()->options().turn_taking.end_of_turn_silence_ms, 500);
  EXPECT_EQ(session()->options().voice, "");
}

TEST_F(RealtimeEndpointTest, BinaryFramesReachTheSessionInOrder) {
  start();
  auto client = connect();
  client->send_binary(realtime::encode_audio_frame({0, 1, 0}, std::vector<std::int16_t>{1, -2, 32767, -32768}));
  client->send_binary(frame(2, 320, 7));
  sync(*client);
  const auto audio = session()->audio();
  ASSERT_EQ(audio.size(), 324U);
  EXPECT_EQ(audio[0], 1);
  EXPECT_EQ(audio[1], -2);
  EXPECT_EQ(audio[2], 32767);
  EXPECT_EQ(audio[3], -32768);
  EXPECT_EQ(audio[4], 7);
}

TEST_F(RealtimeEndpointTest, BadBinaryFramesAreErrorsAndTheConnectionStays) {
  start();
  auto client = connect();
  client->send_binary("LVA");
  EXPECT_EQ(client->error_code(), "invalid_audio_frame");
  std::string bad_magic = frame(1, 10);
  bad_magic[0] = 'X';
  client->send_binary(bad_magic);
  EXPECT_EQ(client->error_code(), "invalid_audio_frame");
  client->send_binary(frame(1, 10) + "z");
  EXPECT_EQ(client->error_code(), "invalid_audio_frame");
  client->send_binary(frame(1, 1601));  // 100 ms at 16 kHz is 1600 samples
  EXPECT_EQ(client->error_code(), "audio_frame_too_large");
  client->send_binary(frame(5, 320));
  client->send_binary(frame(5, 320));
  EXPECT_EQ(client->error_code(), "audio_out_of_order");
  client->send_binary(frame(3, 320));
  EXPECT_EQ(client->error_code(), "audio_out_of_order");
  client->send_binary(frame(9, 320));  // a gap (lost frames) is fine
  sync(*client);
  EXPECT_EQ(session()->frames(), 2);
  EXPECT_EQ(session()->audio().size(), 640U);
}

TEST_F(RealtimeEndpointTest, Base64AppendIsAudioToo) {
  start();
  auto client = connect();
  // Samples 1 and -1 as little-endian bytes 01 00 FF FF.
  client->send({{"type", "input_audio_buffer.append"}, {"audio", "AQD//w=="}});
  client->send({{"type", "input_audio_buffer.append"}, {"audio", "not base64!"}});
  EXPECT_EQ(client->error_code(), "invalid_audio_frame");
  client->send({{"type", "input_audio_buffer.append"}, {"audio", "AQD/"}});
  EXPECT_EQ(client->error_code(), "invalid_audio_frame");
  client->send({{"type", "input_audio_buffer.append"}, {"audio", 12}});
  EXPECT_EQ(client->error_code(), "invalid_value");
  sync(*client);
  EXPECT_EQ(session()->audio(), (std::vector<std::int16_t>{1, -1}));
}

TEST_F(RealtimeEndpointTest, ControlEventsReachTheSession) {
  start();
  auto client = connect();
  client->send({{"type", "input_audio_buffer.commit"}});
  client->send({{"type", "response.cancel"}});
  client->send({{"type", "output_audio.playout"}, {"turn_id", 3}, {"seq", 41}});
  client->send(
      {{"type", "conversation.item.create"},
       {"item", {{"type", "message"}, {"role", "user"}, {"content", {{{"type", "input_text"}, {"text", "hi"}}}}}}});
  sync(*client);
  EXPECT_EQ(session()->commits_, 1);
  EXPECT_EQ(session()->interrupts_, 1);
  EXPECT_EQ(session()->playouts(), (std::vector<std::pair<session::TurnId, std::uint32_t>>{{3, 41}}));
  EXPECT_EQ(session()->texts(), std::vector<std::string>{"hi"});
}

TEST_F(RealtimeEndpointTest, MalformedControlEventsAreInvalidValues) {
  start();
  auto client = connect();
  const std::vector<json> cases = {
      {{"type", "output_audio.playout"}, {"turn_id", "3"}, {"seq", 1}},
      {{"type", "output_audio.playout"}, {"turn_id", 3}, {"seq", -1}},
      {{"type", "conversation.item.create"}},
      {{"type", "conversation.item.create"}, {"item", {{"role", "assistant"}, {"content", json::array()}}}},
      {{"type", "conversation.item.create"}, {"item", {{"content", {{{"type", "input_text"}, {"text", 5}}}}}}},
      {{"type", "conversation.item.create"}, {"item", {{"content", {{{"type", "input_text"}, {"text", "  "}}}}}}},
  };
  for (const auto& event : cases) {
    client->send(event);
    EXPECT_EQ(client->error_code(), "invalid_value") << event.dump();
  }
  client->send(json{{"type", "response.cancel"}, {"event_id", "evt-9"}, {"extra", true}});
  client->send(json{{"type", "bogus"}, {"event_id", "evt-10"}});
  const auto unknown = client->read_until("error");
  EXPECT_EQ(unknown["error"]["code"], "unknown_event");
  EXPECT_EQ(unknown["error"]["event_id"], "evt-10");
  EXPECT_TRUE(session()->texts().empty());
}

TEST_F(RealtimeEndpointTest, EveryServerEventIsEncodedAsDocumented) {
  start();
  auto client = connect();
  auto s = session();
  s->emit(session::SpeechStarted{1, 120});
  s->emit(session::TranscriptPartial{1, "what time"});
  s->emit(session::SpeechStopped{1, 900});
  s->emit(session::TranscriptFinal{1, "what time is it"});
  s->emit(session::StateChanged{1, session::AgentState::thinking});
  s->emit(session::ReplyStarted{1});
  s->emit(session::Citations{1, {{"notes/time.md", "Clocks", "It is noon", 0.5}}});
  s->emit(session::ReplyTextDelta{1, "It is "});
  s->emit(session::ReplySentence{1, 0, "It is noon.", 0});
  s->emit(session::ReplyAudio{1, 0, 0, 24000, {5, -5}});
  s->emit(session::PlaybackFlush{1});
  s->emit(session::ReplyDone{1, session::ReplyStatus::interrupted, "It is", "It is noon."});
  session::TurnMetrics metrics;
  metrics.turn = 1;
  metrics.stt_ms = 80;
  metrics.end_to_end_ms = 420;
  metrics.interrupted = true;
  s->emit(metrics);
  s->emit(session::SessionError{1, "llm_failed", "the server went away", "start llama-server"});

  auto e = client->read();
  EXPECT_EQ(e["type"], "input_audio_buffer.speech_started");
  EXPECT_EQ(e["audio_start_ms"], 120);
  e = client->read();
  EXPECT_EQ(e["type"], "conversation.item.input_audio_transcription.delta");
  EXPECT_EQ(e["transcript"], "what time");
  e = client->read();
  EXPECT_EQ(e["type"], "input_audio_buffer.speech_stopped");
  EXPECT_EQ(e["audio_end_ms"], 900);
  e = client->read();
  EXPECT_EQ(e["type"], "conversation.item.input_audio_transcription.completed");
  EXPECT_EQ(e["transcript"], "what time is it");
  e = client->read();
  EXPECT_EQ(e["type"], "agent.state");
  EXPECT_EQ(e["state"], "thinking");
  EXPECT_EQ(e["turn_id"], 1);
  EXPECT_EQ(client->read()["type"], "response.created");
  e = client->read();
  EXPECT_EQ(e["type"], "response.citations");
  EXPECT_EQ(e["citations"][0]["source"], "notes/time.md");
  EXPECT_EQ(e["citations"][0]["heading"], "Clocks");
  e = client->read();
  EXPECT_EQ(e["type"], "response.text.delta");
  EXPECT_EQ(e["delta"], "It is ");
  e = client->read();
  EXPECT_EQ(e["type"], "response.audio_transcript.delta");
  EXPECT_EQ(e["delta"], "It is noon.");
  EXPECT_EQ(e["first_seq"], 0);
  const auto [binary, audio] = client->read_any();
  ASSERT_TRUE(binary);
  const auto decoded = realtime::decode_audio_frame(audio);
  EXPECT_EQ(decoded.header.turn_id, 1U);
  EXPECT_EQ(decoded.header.seq, 0U);
  EXPECT_EQ(decoded.samples, (std::vector<std::int16_t>{5, -5}));
  e = client->read();
  EXPECT_EQ(e["type"], "output_audio_buffer.cleared");
  EXPECT_EQ(e["turn_id"], 1);
  e = client->read();
  EXPECT_EQ(e["type"], "response.done");
  EXPECT_EQ(e["response"]["status"], "interrupted");
  EXPECT_EQ(e["response"]["text"], "It is");
  EXPECT_EQ(e["response"]["generated_text"], "It is noon.");
  e = client->read();
  EXPECT_EQ(e["type"], "turn.metrics");
  EXPECT_EQ(e["metrics"]["stt_ms"], 80);
  EXPECT_EQ(e["metrics"]["end_to_end_ms"], 420);
  EXPECT_EQ(e["metrics"]["retrieval_ms"], -1);
  EXPECT_EQ(e["metrics"]["interrupted"], true);
  e = client->read();
  EXPECT_EQ(e["type"], "error");
  EXPECT_EQ(e["error"]["code"], "llm_failed");
  EXPECT_EQ(e["error"]["fix"], "start llama-server");
  EXPECT_EQ(e["error"]["turn_id"], 1);
}

TEST_F(RealtimeEndpointTest, InvalidUtf8FromAnEngineStillEncodes) {
  start();
  auto client = connect();
  session()->emit(session::ReplyTextDelta{2, std::string("ok \xC3\x28 done")});
  const auto e = client->read();
  EXPECT_EQ(e["type"], "response.text.delta");
  EXPECT_NE(e["delta"].get<std::string>().find("done"), std::string::npos);
}

TEST_F(RealtimeEndpointTest, ClosingTheConnectionClosesTheSession) {
  start();
  { auto client = connect(); }
  for (int i = 0; i < 200 && session()->closes_ == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(session()->closes_, 1);
}

TEST_F(RealtimeEndpointTest, WhileEnginesLoadAudioIsNotReadyThenTheSessionStartsLazily) {
  loading_ = true;
  start();
  Client client(port_);
  const auto created = client.read();
  EXPECT_EQ(created["type"], "session.created");
  EXPECT_NE(created["session"]["degraded"][0].get<std::string>().find("loading"), std::string::npos);
  client.send_binary(frame(1, 320));
  EXPECT_EQ(client.error_code(), "session_not_ready");
  loading_ = false;
  client.send_binary(frame(2, 320));
  const auto updated = client.read();
  EXPECT_EQ(updated["type"], "session.updated");
  EXPECT_EQ(updated["session"]["id"], "sess-1");
  sync(client);
  EXPECT_EQ(session()->audio().size(), 320U);
}

TEST_F(RealtimeEndpointTest, WithoutSessionsEventsAreStillValidated) {
  start(false);
  Client client(port_);
  EXPECT_EQ(client.read()["type"], "session.created");
  client.send_binary(frame(1, 320));
  EXPECT_EQ(client.error_code(), "session_not_ready");
  client.send({{"type", "response.cancel"}});
  EXPECT_EQ(client.error_code(), "session_not_ready");
}

}  // namespace
}  // namespace lv::api
