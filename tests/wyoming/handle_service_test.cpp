// The Wyoming handle service over real voice sessions: a transcript answered by the session's reply pipeline
// (the knowledge base without a language model, a language model with the conversation's history), the
// conversation kept across connections, and the bound on conversations.
#include "wyoming/handle_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "kb/kb_context_provider.h"
#include "kb/knowledge_base.h"
#include "session/session_harness.h"
#include "support/test_paths.h"
#include "util/text.h"
#include "vad/energy_vad.h"
#include "wyoming/recording_event_writer.h"

namespace lv::wyoming {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

Event transcript(const std::string& text, const std::string& conversation_id) {
  Event event;
  event.type = "transcript";
  event.data = {{"text", text}, {"context", {{"conversation_id", conversation_id}}}};
  return event;
}

// The text of the `handled` event a writer got (empty when none).
std::string handled_text(const test::RecordingEventWriter& writer) {
  for (const auto& event : writer.events()) {
    if (event.type == "handled") {
      return event.data.value("text", "");
    }
  }
  return {};
}

class HandleServiceTest : public ::testing::Test {
 protected:
  std::shared_ptr<session::SessionRuntime> runtime = std::make_shared<session::SessionRuntime>();
  std::shared_ptr<session::test::FakeLlm> llm = std::make_shared<session::test::FakeLlm>();
  std::shared_ptr<session::test::FakeTts> tts = std::make_shared<session::test::FakeTts>();
  session::ContextProviderPtr context;
  bool with_llm = true;

  session::SessionSource source() {
    session::SessionSource out;
    out.runtime = runtime;
    out.defaults = session::test::fast_options();
    out.engines = [this] {
      session::SessionEngines engines;
      engines.vad = std::make_shared<vad::EnergyVad>();
      engines.stt = std::make_shared<session::test::FakeStt>();
      engines.llm = with_llm ? llm : nullptr;
      engines.tts = tts;
      engines.context = context;
      return engines;
    };
    return out;
  }

  // Sends one transcript on a new connection and waits for its answer.
  std::shared_ptr<test::RecordingEventWriter> ask(HandleService& service, const std::string& text,
                                                  const std::string& conversation_id) {
    auto writer = std::make_shared<test::RecordingEventWriter>();
    auto handler = service.open(writer);
    EXPECT_TRUE(handler->on_event(transcript(text, conversation_id)));
    EXPECT_TRUE(writer->wait_for("handled", 1, std::chrono::seconds(30)));
    return writer;  // the handler (the connection) closes here
  }
};

TEST_F(HandleServiceTest, AKnowledgeBaseAnswerWithoutALanguageModelStreamsThenEndsWithHandled) {
  lv::test::TempDir dir;
  std::filesystem::create_directories(dir / "kb");
  std::ofstream(dir / "kb" / "wifi.md") << "# Wi-Fi\n\nThe guest network password is on the card under the router.\n";
  kb::KnowledgeBaseOptions options;
  options.kb_dir = dir / "kb";
  options.db_path = dir / "kb.sqlite3";
  auto knowledge = kb::KnowledgeBase::open(options);
  knowledge->sync();
  context = std::make_shared<kb::KbContextProvider>(knowledge, 3, 0.0);
  with_llm = false;
  HandleService service(source());

  const auto writer = ask(service, "where is the guest network password", "kitchen-1");
  const std::string expected = "The guest network password is on the card under the router. (from wifi)";
  EXPECT_EQ(handled_text(*writer), expected);
  const auto events = writer->events();
  ASSERT_GE(events.size(), 4U);
  EXPECT_EQ(events.front().type, "handled-start");
  EXPECT_EQ(events.front().data["context"]["conversation_id"], "kitchen-1");
  std::string streamed;
  for (const auto& event : events) {
    if (event.type == "handled-chunk") {
      streamed += event.data["text"].get<std::string>();
    }
  }
  EXPECT_EQ(std::string(util::trim(streamed)), expected);
  EXPECT_EQ(events[events.size() - 2].type, "handled-stop");
  EXPECT_EQ(events.back().type, "handled");
  EXPECT_EQ(events.back().data["context"]["conversation_id"], "kitchen-1");
  EXPECT_EQ(tts->calls, 0) << "a text answer makes no audio";
}

TEST_F(HandleServiceTest, AConversationIdKeepsItsHistoryAcrossConnections) {
  llm->answer = "Nice to meet you.";
  HandleService service(source());
  ask(service, "my name is Ada", "conversation-a");
  ask(service, "what is the weather", "conversation-b");
  const auto second = ask(service, "what is my name", "conversation-a");
  EXPECT_EQ(handled_text(*second), "Nice to meet you.");
  EXPECT_EQ(service.conversation_count(), 2U);

  std::lock_guard lock(llm->mutex);
  ASSERT_EQ(llm->requests.size(), 3U);
  std::string third_prompt;
  for (const auto& message : llm->requests[2]) {
    third_prompt += message.content + "\n";
  }
  EXPECT_THAT(third_prompt, HasSubstr("my name is Ada")) << "the earlier turn of the same conversation";
  EXPECT_THAT(third_prompt, ::testing::Not(HasSubstr("weather"))) << "another conversation's turn";
}

TEST_F(HandleServiceTest, ConversationsAreBounded) {
  HandleServiceOptions options;
  options.max_conversations = 2;
  HandleService service(source(), options);
  ask(service, "one", "c1");
  ask(service, "two", "c2");
  ask(service, "three", "c3");
  EXPECT_EQ(service.conversation_count(), 2U);
}

TEST_F(HandleServiceTest, InfoOffersAStreamingHandler) {
  HandleService service(source());
  json info = json::object();
  service.describe(info);
  ASSERT_EQ(info["handle"].size(), 1U);
  EXPECT_EQ(info["handle"][0]["supports_handled_streaming"], true);
  EXPECT_EQ(info["handle"][0]["installed"], true);
  EXPECT_FALSE(info["handle"][0]["models"].empty());
}

TEST_F(HandleServiceTest, OnlyTranscriptsAreTakenAndABlankOneIsNotHandled) {
  HandleService service(source());
  auto writer = std::make_shared<test::RecordingEventWriter>();
  auto handler = service.open(writer);
  Event other;
  other.type = "synthesize";
  EXPECT_FALSE(handler->on_event(other));
  EXPECT_TRUE(handler->on_event(transcript("  ", "c1")));
  ASSERT_TRUE(writer->wait_for("not-handled"));
  EXPECT_EQ(service.conversation_count(), 0U);
}

}  // namespace
}  // namespace lv::wyoming
