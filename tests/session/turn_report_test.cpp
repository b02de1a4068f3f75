#include "session/turn_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "util/log.h"

namespace lv::session {
namespace {

TurnMetrics sample_metrics() {
  TurnMetrics metrics;
  metrics.turn = 3;
  metrics.stt_ms = 620;
  metrics.end_of_turn_silence_ms = 500;
  metrics.stt_wait_ms = 120;
  metrics.llm_first_token_ms = 300;
  metrics.end_to_end_ms = 900;
  metrics.user_audio_ms = 1500;
  metrics.completion_tokens = 12;
  metrics.stt_engine = "pocketsphinx:en-us";
  return metrics;
}

TEST(TurnReport, StagesThatRanGoIntoTheHistogramsInSeconds) {
  metrics::Registry registry;
  observe_turn(registry, sample_metrics(), ReplyStatus::interrupted);
  const std::string text = registry.render();
  EXPECT_THAT(text, ::testing::HasSubstr("localvoice_turn_end_to_end_seconds_sum 0.9"));
  EXPECT_THAT(text, ::testing::HasSubstr("localvoice_turn_stt_seconds_count 1"));
  EXPECT_THAT(text, ::testing::HasSubstr("localvoice_turn_stt_wait_seconds_sum 0.12"));
  EXPECT_THAT(text, ::testing::HasSubstr("localvoice_turns_total{status=\"interrupted\"} 1"));
  // Retrieval did not run (-1): nothing observed.
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("localvoice_turn_retrieval_seconds_count")));
}

TEST(TurnReport, OneJsonLogLinePerTurnWithEveryMetric) {
  std::ostringstream out;
  log::init(log::Level::info, log::Format::json, &out);
  log_turn("sess_1", sample_metrics(), ReplyStatus::completed);
  log::init(log::Level::info);
  const std::string line = out.str();
  EXPECT_THAT(line, ::testing::HasSubstr("\"msg\":\"turn complete\""));
  EXPECT_THAT(line, ::testing::HasSubstr("\"session_id\":\"sess_1\""));
  EXPECT_THAT(line, ::testing::HasSubstr("\"end_to_end_ms\":900"));
  EXPECT_THAT(line, ::testing::HasSubstr("\"retrieval_ms\":-1"));
  EXPECT_THAT(line, ::testing::HasSubstr("\"stt_wait_ms\":120"));
  EXPECT_THAT(line, ::testing::HasSubstr("\"status\":\"completed\""));
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
}

TEST(TurnReport, HistoryRecordCarriesTextsTimingsAndStatus) {
  const auto record = turn_record("sess_1", sample_metrics(), ReplyStatus::interrupted, 1234, "hi", "Hello th");
  EXPECT_EQ(record.session_id, "sess_1");
  EXPECT_EQ(record.turn, 3U);
  EXPECT_EQ(record.started_at_ms, 1234);
  EXPECT_EQ(record.user_text, "hi");
  EXPECT_EQ(record.assistant_text, "Hello th");
  EXPECT_TRUE(record.interrupted);
  EXPECT_EQ(record.status, "interrupted");
  EXPECT_DOUBLE_EQ(record.end_to_end_ms, 900);
  EXPECT_DOUBLE_EQ(record.retrieval_ms, -1);
  EXPECT_EQ(record.completion_tokens, 12);
  EXPECT_EQ(record.stt_engine, "pocketsphinx:en-us");
}

}  // namespace
}  // namespace lv::session
