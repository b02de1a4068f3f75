// `localvoice converse` with real engines: a flite-spoken question through VAD, pocketsphinx, a language model
// (tiny random GGUF, or none) and flite, checked through the program's JSON output and the WAV it writes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>

#include "audio/wav.h"
#include "llm/tiny_model_suite.h"
#include "stt/speech_fixtures.h"
#include "support/subprocess.h"
#include "support/test_paths.h"

namespace lv::app {
namespace {

using nlohmann::json;

class ConverseCommandTest : public test::TinyModelSuite {
 protected:
  // Writes a recording: lead-in silence, then each utterance followed by `gap_s` of silence.
  static std::filesystem::path recording(const std::string& name, const std::vector<std::string>& utterances,
                                         double gap_s = 1.5) {
    auto audio = test::silence(0.4);
    for (const auto& text : utterances) {
      audio = test::concat(audio, test::flite_speech(text));
      audio = test::concat(audio, test::silence(gap_s));
    }
    const auto path = dir_->path() / name;
    audio::write_wav(path, audio);
    return path;
  }

  static std::map<std::string, std::string> environment(const std::string& home_name = "home") {
    const auto home = dir_->path() / home_name;
    return {{"HOME", home.string()},
            {"XDG_CONFIG_HOME", (home / "config").string()},
            {"XDG_DATA_HOME", (home / "data").string()},
            {"XDG_CACHE_HOME", (home / "cache").string()},
            {"LOCALVOICE_LOG_LEVEL", "warn"},
            {"LOCALVOICE_SESSION_MAX_REPLY_TOKENS", "12"}};
  }

  static test::RunResult converse(const std::filesystem::path& input, const std::vector<std::string>& extra,
                                  const std::string& home_name = "home") {
    std::vector<std::string> argv = {
        test::program_path().string(), "converse", "--input",  input.string(), "--json", "--vad", "energy:", "--stt",
        "pocketsphinx:en-us",          "--tts",    "flite:slt"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return test::run_program(argv, environment(home_name), std::chrono::seconds(120));
  }

  static std::vector<std::string> event_types(const json& doc) {
    std::vector<std::string> types;
    for (const auto& event : doc["events"]) {
      types.push_back(event["type"].get<std::string>());
    }
    return types;
  }

  static std::size_t position(const std::vector<std::string>& types, const std::string& type) {
    const auto it = std::find(types.begin(), types.end(), type);
    return it == types.end() ? types.size() + 1000 : static_cast<std::size_t>(it - types.begin());
  }
};

TEST_F(ConverseCommandTest, AFullTurnThroughRealEngines) {
  const auto input = recording("weather.wav", {"what is the weather like today"});
  const auto output = dir_->path() / "reply.wav";
  const auto run = converse(input, {"--llm", "llama:" + model_->string(), "--output", output.string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto doc = json::parse(run.out);

  ASSERT_EQ(doc["turns"].size(), 1U) << doc.dump(2);
  const auto& turn = doc["turns"][0];
  EXPECT_NE(turn["user_text"].get<std::string>().find("weather"), std::string::npos) << turn.dump();
  EXPECT_EQ(turn["reply"]["status"], "completed");
  EXPECT_GT(doc["audio_frames"].get<int>(), 0);

  const auto types = event_types(doc);
  EXPECT_EQ(types.front(), "session.created");
  EXPECT_LT(position(types, "input_audio_buffer.speech_started"), position(types, "input_audio_buffer.speech_stopped"));
  EXPECT_LT(position(types, "input_audio_buffer.speech_stopped"),
            position(types, "conversation.item.input_audio_transcription.completed"));
  EXPECT_LT(position(types, "conversation.item.input_audio_transcription.completed"),
            position(types, "response.created"));
  EXPECT_LT(position(types, "response.created"), position(types, "response.done"));
  EXPECT_LT(position(types, "response.done"), position(types, "turn.metrics"));

  const auto& m = turn["metrics"];
  EXPECT_GE(m["stt_ms"].get<double>(), 0);
  EXPECT_GE(m["llm_first_token_ms"].get<double>(), 0);
  EXPECT_GE(m["tts_first_audio_ms"].get<double>(), 0);
  EXPECT_GT(m["end_to_end_ms"].get<double>(), 0);
  EXPECT_GE(m["end_to_end_ms"].get<double>(), m["stt_ms"].get<double>());
  EXPECT_GT(m["reply_audio_ms"].get<double>(), 0);
  EXPECT_GT(m["user_audio_ms"].get<double>(), 500);
  EXPECT_EQ(m["interrupted"], false);
  EXPECT_EQ(m["stt_engine"], "pocketsphinx:en-us");

  // The agent's side as a client would have heard it: real audio, after the question ended.
  const auto reply = audio::read_wav(output);
  double energy = 0;
  for (const float s : reply.samples) {
    energy += static_cast<double>(s) * s;
  }
  EXPECT_GT(std::sqrt(energy / static_cast<double>(std::max<std::size_t>(1, reply.samples.size()))), 0.001);
}

TEST_F(ConverseCommandTest, WithoutALanguageModelTheAgentSaysHowToInstallOne) {
  const auto input = recording("hello.wav", {"hello there"});
  const auto run = converse(input, {});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto doc = json::parse(run.out);
  ASSERT_EQ(doc["turns"].size(), 1U) << doc.dump(2);
  const auto reply_text = doc["turns"][0]["reply"]["text"].get<std::string>();
  EXPECT_NE(reply_text.find("localvoice models pull"), std::string::npos) << reply_text;
  EXPECT_GT(doc["audio_frames"].get<int>(), 0);
  bool no_llm_error = false;
  for (const auto& event : doc["events"]) {
    no_llm_error = no_llm_error || (event["type"] == "error" && event["error"]["code"] == "no_llm");
  }
  EXPECT_TRUE(no_llm_error);
  const auto types = event_types(doc);
  ASSERT_FALSE(types.empty());
  EXPECT_EQ(types.front(), "session.created");
}

TEST_F(ConverseCommandTest, WithoutALanguageModelTheKnowledgeBaseAnswersWithItsSource) {
  const auto kb_dir = dir_->path() / "kb-home" / "data" / "localvoice" / "knowledge";
  std::filesystem::create_directories(kb_dir);
  std::ofstream(kb_dir / "garden shed.md")
      << "# Garden shed\n\nThe spare key for the garden shed is hidden under the blue flower pot by the door. "
         "The shed also holds the lawn mower and the bicycle pump.\n";
  std::ofstream(kb_dir / "kitchen.md") << "# Kitchen\n\nThe kettle is on the left of the stove. Mugs are in the top "
                                          "drawer next to the fridge.\n";
  const auto input = recording("shed.wav", {"where is the spare key for the garden shed"});
  const auto run = converse(input, {}, "kb-home");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto doc = json::parse(run.out);
  ASSERT_EQ(doc["turns"].size(), 1U) << doc.dump(2);
  const auto& turn = doc["turns"][0];
  const auto reply_text = turn["reply"]["text"].get<std::string>();
  EXPECT_NE(reply_text.find("flower pot"), std::string::npos) << reply_text;
  ASSERT_FALSE(turn["citations"].empty()) << turn.dump(2);
  EXPECT_EQ(turn["citations"][0]["source"], "garden shed.md");
  EXPECT_GE(turn["metrics"]["retrieval_ms"].get<double>(), 0);
}

TEST_F(ConverseCommandTest, TwoQuestionsAreTwoTurns) {
  const auto input = recording("two.wav", {"what time is it", "play some music please"}, 2.5);
  const auto run = converse(input, {});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto doc = json::parse(run.out);
  ASSERT_EQ(doc["turns"].size(), 2U) << doc.dump(2);
  EXPECT_NE(doc["turns"][0]["user_text"].get<std::string>().find("time"), std::string::npos);
  EXPECT_NE(doc["turns"][1]["user_text"].get<std::string>().find("music"), std::string::npos);
  EXPECT_LT(doc["turns"][0]["turn_id"].get<int>(), doc["turns"][1]["turn_id"].get<int>());
}

TEST_F(ConverseCommandTest, ACorruptRecordingIsAClearError) {
  const auto path = dir_->path() / "corrupt.wav";
  std::ofstream(path) << "RIFF this is not audio";
  const auto run = converse(path, {});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("corrupt.wav"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace lv::app
