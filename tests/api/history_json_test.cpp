#include "api/history_json.h"

#include <gtest/gtest.h>

namespace lv::api {
namespace {

history::StoredSession sample() {
  history::StoredSession stored;
  stored.session = {"s1", 1'764'034'851'250, "whisper:base.en", "llama:/m.gguf", "piper:amy"};
  stored.title = "hello";
  history::TurnRecord turn;
  turn.session_id = "s1";
  turn.turn = 1;
  turn.started_at_ms = 1'764'034'852'000;
  turn.user_text = "hello";
  turn.assistant_text = "hi";
  turn.status = "completed";
  turn.stt_ms = 100;
  turn.end_to_end_ms = 700.5;
  turn.user_audio_ms = 900;
  turn.reply_audio_ms = 400;
  turn.prompt_tokens = 11;
  turn.completion_tokens = 3;
  turn.llm_engine = "llama:/m.gguf";
  stored.turns.push_back(turn);
  return stored;
}

TEST(HistoryJson, ConversationCarriesEveryTurnFieldWithUnitsInNames) {
  const auto json = conversation_json(sample());
  EXPECT_EQ(json["id"], "s1");
  EXPECT_EQ(json["object"], "conversation");
  EXPECT_EQ(json["title"], "hello");
  EXPECT_EQ(json["started_at_ms"], 1'764'034'851'250);
  EXPECT_EQ(json["started_at"], "2025-11-25T01:40:51.250Z");
  EXPECT_TRUE(json["ended_at_ms"].is_null());
  EXPECT_EQ(json["turn_count"], 1);
  EXPECT_EQ(json["engines"],
            (nlohmann::json{{"stt", "whisper:base.en"}, {"llm", "llama:/m.gguf"}, {"tts", "piper:amy"}}));
  const auto& turn = json["turns"].at(0);
  EXPECT_EQ(turn["turn"], 1);
  EXPECT_EQ(turn["user_text"], "hello");
  EXPECT_EQ(turn["assistant_text"], "hi");
  EXPECT_EQ(turn["interrupted"], false);
  EXPECT_EQ(turn["status"], "completed");
  EXPECT_EQ(turn["stt_ms"], 100.0);
  EXPECT_EQ(turn["end_to_end_ms"], 700.5);
  // -1 ("did not run") becomes null, not a fake number.
  EXPECT_TRUE(turn["retrieval_ms"].is_null());
  EXPECT_TRUE(turn["llm_first_token_ms"].is_null());
  EXPECT_TRUE(turn["first_sentence_ms"].is_null());
  EXPECT_TRUE(turn["tts_first_audio_ms"].is_null());
  EXPECT_EQ(turn["user_audio_ms"], 900.0);
  EXPECT_EQ(turn["reply_audio_ms"], 400.0);
  EXPECT_EQ(turn["prompt_tokens"], 11);
  EXPECT_EQ(turn["completion_tokens"], 3);
  EXPECT_EQ(turn["engines"]["llm"], "llama:/m.gguf");
}

TEST(HistoryJson, ListSaysWhetherMorePagesFollow) {
  history::SessionSummary summary{"a", 0, 5000, 2, "t"};
  auto list = conversation_list_json({summary}, 3, 1);
  EXPECT_EQ(list["object"], "list");
  EXPECT_EQ(list["data"].size(), 1U);
  EXPECT_EQ(list["data"][0]["ended_at_ms"], 5000);
  EXPECT_EQ(list["data"][0]["turn_count"], 2);
  EXPECT_EQ(list["has_more"], true);
  EXPECT_EQ(list["offset"], 1);
  list = conversation_list_json({summary}, 3, 2);
  EXPECT_EQ(list["has_more"], false);
}

TEST(HistoryJson, DumpReplacesInvalidUtf8InsteadOfThrowing) {
  const nlohmann::json value{{"text", "ok \xC3\x28 end"}};
  EXPECT_EQ(dump_json(value), "{\"text\":\"ok \xEF\xBF\xBD( end\"}");
  EXPECT_EQ(dump_json(nlohmann::json{{"a", 1}}, 2), "{\n  \"a\": 1\n}");
}

}  // namespace
}  // namespace lv::api
