// A transport builds sessions from session::SessionConnection alone: greeting, announcements after changes,
// event routing and closing, with no WebSocket or JSON involved.
#include "session/session_connection.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "util/error.h"

namespace lv::session {
namespace {

// A session that records what it is asked and says it started when started.
class RecordingSession final : public VoiceSession {
 public:
  explicit RecordingSession(EventSink sink) : sink_(std::move(sink)) {}

  void start() override {
    SessionStarted started;
    started.session_id = id_;
    started.engines = {{"stt", "pocketsphinx:en-us", "ready", "ok"}};
    started.degraded = {"Spoken replies: not installed"};
    sink_(started);
  }
  bool push_audio(std::span<const std::int16_t> /*samples*/) override { return true; }
  void push_text(std::string /*text*/) override {}
  void commit_input() override {}
  void interrupt() override {}
  void report_playout(TurnId /*turn*/, std::uint32_t /*seq*/) override {}
  void update(const SessionUpdate& update) override {
    if (update.voice && *update.voice == "bad") {
      throw Error("unknown voice 'bad'", "pick another");
    }
    if (update.voice) {
      options_.voice = *update.voice;
    }
  }
  void close() override { ++closes; }
  const std::string& id() const override { return id_; }
  SessionOptions options() const override { return options_; }

  void emit(SessionEvent event) { sink_(std::move(event)); }

  int closes = 0;

 private:
  EventSink sink_;
  std::string id_ = "sess-1";
  SessionOptions options_;
};

class SessionConnectionTest : public ::testing::Test {
 protected:
  ConnectionSinks sinks() {
    return {[this](const SessionAnnouncement& a) { announcements_.push_back(a); },
            [this](const SessionEvent& e) { events_.push_back(e); }};
  }
  SessionFactory factory() {
    return [this](const std::string& /*id*/, EventSink sink) -> VoiceSessionPtr {
      if (loading_) {
        return nullptr;
      }
      made_ = std::make_shared<RecordingSession>(std::move(sink));
      return made_;
    };
  }

  bool loading_ = false;
  std::shared_ptr<RecordingSession> made_;
  std::vector<SessionAnnouncement> announcements_;
  std::vector<SessionEvent> events_;
};

TEST_F(SessionConnectionTest, GreetsWithTheSessionItStarted) {
  SessionConnection connection(factory(), "conn-1", sinks());
  EXPECT_TRUE(connection.open());
  ASSERT_EQ(announcements_.size(), 1U);
  EXPECT_TRUE(announcements_[0].first);
  EXPECT_EQ(announcements_[0].id, "sess-1");
  ASSERT_EQ(announcements_[0].engines.size(), 1U);
  EXPECT_EQ(announcements_[0].degraded, std::vector<std::string>{"Spoken replies: not installed"});
  EXPECT_EQ(announcements_[0].options.input_sample_rate_hz, SessionOptions{}.input_sample_rate_hz);

  made_->emit(StateChanged{});
  EXPECT_EQ(events_.size(), 1U);  // other events pass through untouched
  EXPECT_EQ(announcements_.size(), 1U);
}

TEST_F(SessionConnectionTest, WithoutEnginesItGreetsAndSaysWhy) {
  SessionConnection none({}, "conn-1", sinks());
  EXPECT_FALSE(none.open());
  EXPECT_FALSE(none.offers_sessions());
  ASSERT_EQ(announcements_.size(), 1U);
  EXPECT_EQ(announcements_[0].id, "conn-1");
  EXPECT_EQ(announcements_[0].degraded, std::vector<std::string>{"voice sessions are not available in this program"});
  EXPECT_EQ(none.session(), nullptr);
}

TEST_F(SessionConnectionTest, ASessionMadeAfterLoadingIsAnnouncedAsAnUpdate) {
  loading_ = true;
  SessionConnection connection(factory(), "conn-1", sinks());
  EXPECT_FALSE(connection.open());
  ASSERT_EQ(announcements_.size(), 1U);
  EXPECT_TRUE(announcements_[0].first);
  EXPECT_EQ(announcements_[0].degraded[0], "engines are still loading; try again in a moment");

  loading_ = false;
  ASSERT_NE(connection.session(), nullptr);
  ASSERT_EQ(announcements_.size(), 2U);
  EXPECT_FALSE(announcements_[1].first);
  EXPECT_EQ(announcements_[1].id, "sess-1");
}

TEST_F(SessionConnectionTest, UpdatesAreAppliedAndAnnouncedAndBadOnesChangeNothing) {
  SessionConnection connection(factory(), "conn-1", sinks());
  ASSERT_TRUE(connection.open());
  SessionUpdate update;
  update.voice = "kal";
  connection.update(update);
  ASSERT_EQ(announcements_.size(), 2U);
  EXPECT_FALSE(announcements_[1].first);
  EXPECT_EQ(announcements_[1].options.voice, "kal");
  EXPECT_EQ(connection.options().voice, "kal");

  update.voice = "bad";
  EXPECT_THROW(connection.update(update), Error);
  EXPECT_EQ(announcements_.size(), 2U);
  EXPECT_EQ(connection.options().voice, "kal");
}

TEST_F(SessionConnectionTest, ClosingClosesTheSessionAndLateEventsGoNowhere) {
  std::shared_ptr<RecordingSession> session;
  {
    SessionConnection connection(factory(), "conn-1", sinks());
    ASSERT_TRUE(connection.open());
    session = made_;
    connection.close();
    EXPECT_EQ(session->closes, 1);
  }
  session->emit(StateChanged{});  // after the connection is gone: dropped, no crash
  EXPECT_TRUE(events_.empty());
}

}  // namespace
}  // namespace lv::session
