#include "api/history_routes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "history/sqlite_history.h"
#include "metrics/registry.h"
#include "server/http_server.h"
#include "server/test_client.h"
#include "support/test_paths.h"
#include "util/error.h"

namespace lv::api {
namespace {

using ::testing::HasSubstr;
namespace http = boost::beast::http;

history::TurnRecord turn(const std::string& session_id, std::uint32_t number, const std::string& said) {
  history::TurnRecord turn;
  turn.session_id = session_id;
  turn.turn = number;
  turn.started_at_ms = 1'764'034'855'000 + number;
  turn.user_text = said;
  turn.assistant_text = "Answer to " + said;
  turn.status = "completed";
  turn.stt_ms = 120;
  turn.llm_first_token_ms = 300;
  turn.end_to_end_ms = 900;
  turn.user_audio_ms = 1500;
  turn.reply_audio_ms = 2500;
  turn.prompt_tokens = 10;
  turn.completion_tokens = 20;
  turn.stt_engine = "pocketsphinx:en-us";
  turn.llm_engine = "llama:/m.gguf";
  turn.tts_engine = "flite:slt";
  return turn;
}

class HistoryRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    history_ = std::make_shared<history::SqliteHistory>(history::history_database_path(dir_.path()));
    for (int i = 0; i < 3; ++i) {
      const std::string id = "conv-" + std::to_string(i);
      history_->record_session(
          {id, 1'764'034'851'000 + i * 60'000, "pocketsphinx:en-us", "llama:/m.gguf", "flite:slt"});
      history_->record_turn(turn(id, 1, "hello number " + std::to_string(i)));
    }
    auto interrupted = turn("conv-2", 2, "tell me a story");
    interrupted.assistant_text = "Once upon";
    interrupted.interrupted = true;
    interrupted.status = "interrupted";
    interrupted.retrieval_ms = -1;
    history_->record_turn(interrupted);
    history_->end_session("conv-2", 1'764'034'851'000 + 180'000);
    start(history_);
  }

  void start(history::HistoryReaderPtr reader) {
    server::Router router;
    add_history_routes(router, std::move(reader));
    server_ = std::make_unique<server::HttpServer>(server::HttpServerOptions{}, std::move(router),
                                                   std::make_shared<metrics::Registry>());
    port_ = server_->start();
  }

  static nlohmann::json json_of(const test::ClientResponse& response) { return nlohmann::json::parse(response.body); }

  test::TempDir dir_;
  std::shared_ptr<history::SqliteHistory> history_;
  std::unique_ptr<server::HttpServer> server_;
  std::uint16_t port_ = 0;
};

TEST_F(HistoryRoutesTest, ListsConversationsNewestFirstWithPaging) {
  auto response = test::http_get(port_, "/v1/history");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_THAT(response.header("Content-Type"), HasSubstr("application/json"));
  auto body = json_of(response);
  EXPECT_EQ(body["object"], "list");
  EXPECT_EQ(body["total"], 3);
  EXPECT_EQ(body["has_more"], false);
  ASSERT_EQ(body["data"].size(), 3U);
  const auto& newest = body["data"][0];
  EXPECT_EQ(newest["id"], "conv-2");
  EXPECT_EQ(newest["object"], "conversation");
  EXPECT_EQ(newest["title"], "hello number 2");
  EXPECT_EQ(newest["turn_count"], 2);
  EXPECT_EQ(newest["started_at"], "2025-11-25T01:42:51.000Z");
  EXPECT_EQ(newest["ended_at_ms"], 1'764'034'851'000 + 180'000);
  EXPECT_TRUE(body["data"][1]["ended_at_ms"].is_null());

  response = test::http_get(port_, "/v1/history?limit=1&offset=1");
  ASSERT_EQ(response.status, 200) << response.body;
  body = json_of(response);
  ASSERT_EQ(body["data"].size(), 1U);
  EXPECT_EQ(body["data"][0]["id"], "conv-1");
  EXPECT_EQ(body["has_more"], true);
  EXPECT_EQ(body["offset"], 1);
}

TEST_F(HistoryRoutesTest, RejectsBadPagingWithTheAllowedRange) {
  for (const char* target : {"/v1/history?limit=0", "/v1/history?limit=101", "/v1/history?limit=ten",
                             "/v1/history?limit=", "/v1/history?offset=-1", "/v1/history?limit=5x"}) {
    const auto response = test::http_get(port_, target);
    EXPECT_EQ(response.status, 400) << target;
    const auto body = json_of(response);
    EXPECT_THAT(body["error"]["message"].get<std::string>(), HasSubstr("must be a whole number")) << target;
  }
}

TEST_F(HistoryRoutesTest, ReturnsOneConversationWithItsTurns) {
  const auto response = test::http_get(port_, "/v1/history/conv-2");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto body = json_of(response);
  EXPECT_EQ(body["id"], "conv-2");
  EXPECT_EQ(body["engines"]["llm"], "llama:/m.gguf");
  ASSERT_EQ(body["turns"].size(), 2U);
  const auto& first = body["turns"][0];
  EXPECT_EQ(first["turn"], 1);
  EXPECT_EQ(first["user_text"], "hello number 2");
  EXPECT_EQ(first["assistant_text"], "Answer to hello number 2");
  EXPECT_EQ(first["stt_ms"], 120.0);
  EXPECT_EQ(first["completion_tokens"], 20);
  EXPECT_EQ(first["reply_audio_ms"], 2500.0);
  const auto& second = body["turns"][1];
  EXPECT_EQ(second["interrupted"], true);
  EXPECT_EQ(second["status"], "interrupted");
  EXPECT_EQ(second["assistant_text"], "Once upon");
  EXPECT_TRUE(second["retrieval_ms"].is_null());
}

TEST_F(HistoryRoutesTest, ExportsMarkdownOnRequest) {
  const auto response = test::http_get(port_, "/v1/history/conv-2?format=md");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_THAT(response.header("Content-Type"), HasSubstr("text/markdown"));
  EXPECT_THAT(response.body, HasSubstr("# hello number 2"));
  EXPECT_THAT(response.body, HasSubstr("**LocalVoice:** Once upon *(interrupted)*"));
  EXPECT_EQ(test::http_get(port_, "/v1/history/conv-2?format=pdf").status, 400);
}

TEST_F(HistoryRoutesTest, UnknownIdsAre404InTheErrorShape) {
  for (const auto method : {http::verb::get, http::verb::delete_}) {
    const auto response = test::http_call(port_, method, "/v1/history/missing");
    EXPECT_EQ(response.status, 404);
    const auto body = json_of(response);
    EXPECT_EQ(body["error"]["code"], "conversation_not_found");
    EXPECT_THAT(body["error"]["message"].get<std::string>(), HasSubstr("no conversation with id 'missing'"));
  }
}

TEST_F(HistoryRoutesTest, DeletesAConversation) {
  const auto response = test::http_call(port_, http::verb::delete_, "/v1/history/conv-1");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto body = json_of(response);
  EXPECT_EQ(body["deleted"], true);
  EXPECT_EQ(body["id"], "conv-1");
  EXPECT_FALSE(history_->get_session("conv-1").has_value());
  EXPECT_EQ(test::http_get(port_, "/v1/history/conv-1").status, 404);
  EXPECT_EQ(json_of(test::http_get(port_, "/v1/history"))["total"], 2);
}

TEST_F(HistoryRoutesTest, InvalidUtf8FromAModelStillGivesValidJson) {
  auto garbled = turn("garbled", 1, "hi");
  garbled.assistant_text = "bad \xff\xfe bytes";
  history_->record_turn(garbled);
  const auto response = test::http_get(port_, "/v1/history/garbled");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(json_of(response)["turns"][0]["assistant_text"], "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes");
}

// A reader whose database is damaged: every call fails as SqliteHistory does.
class BrokenReader : public history::HistoryReader {
 public:
  std::vector<history::SessionSummary> list_sessions(std::size_t, std::size_t) override { fail(); }
  std::size_t count_sessions() override { fail(); }
  std::optional<history::StoredSession> get_session(const std::string&) override { fail(); }
  bool delete_session(const std::string&) override { fail(); }

 private:
  [[noreturn]] static void fail() {
    throw Error("the history database '/d/history.sqlite3' is damaged", "move it away; a new one is created");
  }
};

TEST_F(HistoryRoutesTest, ADamagedDatabaseIsAServerErrorWithTheFix) {
  server_.reset();
  start(std::make_shared<BrokenReader>());
  const auto response = test::http_get(port_, "/v1/history");
  EXPECT_EQ(response.status, 500);
  const auto body = json_of(response);
  EXPECT_EQ(body["error"]["code"], "history_unavailable");
  EXPECT_THAT(body["error"]["message"].get<std::string>(), HasSubstr("move it away"));
}

}  // namespace
}  // namespace lv::api
