#include "app/history_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "history/sqlite_history.h"
#include "support/test_paths.h"
#include "util/error.h"

namespace lv::app {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class HistoryCommandTest : public ::testing::Test {
 protected:
  // Runs `localvoice history ARGS...` in-process, as main() does, with the data dir set to a temp folder.
  std::string run(std::vector<std::string> args) {
    CLI::App app;
    add_history_command(app, {[this] { return data_dir(); }, &out_});
    args.insert(args.begin(), "history");
    std::reverse(args.begin(), args.end());  // CLI11 takes a vector in reverse order
    out_.str("");
    app.parse(args);
    return out_.str();
  }

  std::filesystem::path data_dir() const { return dir_ / "data"; }

  void record_sample() {
    history::SqliteHistory history(history::history_database_path(data_dir()));
    history.record_session({"older", 1'764'034'851'000, "pocketsphinx:en-us", "llama:/m.gguf", "flite:slt"});
    history.record_session({"newer", 1'764'038'451'000, "whisper:base.en", "ollama:http://h?model=g", "piper:amy"});
    history::TurnRecord turn;
    turn.session_id = "newer";
    turn.turn = 1;
    turn.user_text = "Wie spät ist es in Tokio?";
    turn.assistant_text = "Es ist drei Uhr.";
    turn.status = "completed";
    turn.end_to_end_ms = 850;
    history.record_turn(turn);
    turn.turn = 2;
    turn.user_text = "Und morgen?";
    turn.assistant_text = "Morgen";
    turn.interrupted = true;
    turn.status = "interrupted";
    history.record_turn(turn);
    history.end_session("newer", 1'764'038'451'000 + 65'000);
  }

  test::TempDir dir_;
  std::ostringstream out_;
};

TEST_F(HistoryCommandTest, ListSaysWhenNothingWasRecordedWithoutCreatingFiles) {
  EXPECT_THAT(run({"list"}), HasSubstr("no conversations yet"));
  const auto json = nlohmann::json::parse(run({"list", "--json"}));
  EXPECT_EQ(json["object"], "list");
  EXPECT_TRUE(json["data"].empty());
  EXPECT_FALSE(std::filesystem::exists(data_dir()));
}

TEST_F(HistoryCommandTest, ListsConversationsAsATableAndAsJson) {
  record_sample();
  const std::string table = run({"list"});
  EXPECT_THAT(table, HasSubstr("ID"));
  EXPECT_THAT(table, HasSubstr("TITLE"));
  EXPECT_LT(table.find("newer"), table.find("older"));
  EXPECT_THAT(table, HasSubstr("2025-11-25 02:40 UTC"));
  EXPECT_THAT(table, HasSubstr("Wie spät ist es in Tokio?"));
  EXPECT_THAT(table, Not(HasSubstr("shows more")));

  const std::string paged = run({"list", "--limit", "1"});
  EXPECT_THAT(paged, HasSubstr("newer"));
  EXPECT_THAT(paged, Not(HasSubstr("older")));
  EXPECT_THAT(paged, HasSubstr("showing 1-1 of 2; --offset 1 shows more"));

  const auto json = nlohmann::json::parse(run({"list", "--json", "--offset", "1"}));
  EXPECT_EQ(json["total"], 2);
  ASSERT_EQ(json["data"].size(), 1U);
  EXPECT_EQ(json["data"][0]["id"], "older");
  EXPECT_EQ(json["data"][0]["turn_count"], 0);
}

TEST_F(HistoryCommandTest, ShowPrintsTheTranscript) {
  record_sample();
  const std::string text = run({"show", "newer"});
  EXPECT_THAT(text, HasSubstr("# Wie spät ist es in Tokio?"));
  EXPECT_THAT(text, HasSubstr("**You:** Und morgen?"));
  EXPECT_THAT(text, HasSubstr("**LocalVoice:** Morgen *(interrupted)*"));
  EXPECT_THAT(text, HasSubstr("(lasted 1 min 5 s)"));
}

TEST_F(HistoryCommandTest, ExportsJsonAndMarkdownToStdoutOrAFile) {
  record_sample();
  const auto json = nlohmann::json::parse(run({"export", "newer", "--format", "json"}));
  EXPECT_EQ(json["id"], "newer");
  EXPECT_EQ(json["engines"]["tts"], "piper:amy");
  ASSERT_EQ(json["turns"].size(), 2U);
  EXPECT_EQ(json["turns"][1]["interrupted"], true);
  EXPECT_EQ(json["turns"][0]["end_to_end_ms"], 850.0);

  const auto file = dir_ / "out.md";
  const std::string said = run({"export", "newer", "--format", "md", "--output", file.string()});
  EXPECT_THAT(said, HasSubstr("exported conversation newer (2 turns) to " + file.string()));
  std::ifstream in(file);
  const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(written, HasSubstr("**You:** Wie spät ist es in Tokio?"));
  // Markdown is the default format.
  EXPECT_EQ(run({"export", "newer"}), written);
}

TEST_F(HistoryCommandTest, RmDeletesAndUnknownIdsSayWhereToLook) {
  record_sample();
  EXPECT_THAT(run({"rm", "older"}), HasSubstr("deleted conversation older"));
  EXPECT_THAT(run({"list"}), Not(HasSubstr("older")));
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"rm", "older"}, {"show", "older"}, {"export", "missing", "--format", "json"}}) {
    try {
      run(args);
      FAIL() << args[0] << " accepted an unknown id";
    } catch (const Error& e) {
      EXPECT_THAT(e.what(), HasSubstr("no conversation with id '"));
      EXPECT_THAT(e.fix(), HasSubstr("localvoice history list"));
    }
  }
}

TEST_F(HistoryCommandTest, UnknownIdsFailAlsoBeforeAnythingWasRecorded) {
  EXPECT_THROW(run({"show", "x"}), Error);
  EXPECT_THROW(run({"rm", "x"}), Error);
  EXPECT_FALSE(std::filesystem::exists(data_dir()));
}

TEST_F(HistoryCommandTest, BadArgumentsAndOutputsGiveClearErrors) {
  record_sample();
  EXPECT_THROW(run({"export", "newer", "--format", "pdf"}), CLI::ValidationError);
  EXPECT_THROW(run({"list", "--limit", "0"}), CLI::ValidationError);
  EXPECT_THROW(run({"show"}), CLI::RequiredError);
  try {
    run({"export", "newer", "--output", (dir_ / "no-such-folder" / "x.md").string()});
    FAIL() << "wrote into a missing folder";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot write the export"));
    EXPECT_THAT(e.fix(), HasSubstr("writable"));
  }
}

TEST_F(HistoryCommandTest, ADamagedDatabaseIsAClearError) {
  std::filesystem::create_directories(data_dir());
  {
    std::ofstream garbage(history::history_database_path(data_dir()));
    for (int i = 0; i < 200; ++i) {
      garbage << "not sqlite at all ";
    }
  }
  try {
    run({"list"});
    FAIL() << "listed a damaged database";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("is damaged"));
    EXPECT_THAT(e.fix(), HasSubstr("move it away"));
  }
}

}  // namespace
}  // namespace lv::app
