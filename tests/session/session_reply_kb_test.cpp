// session_reply.cpp's answers without a language model, over a real knowledge base and its context provider.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "kb/kb_context_provider.h"
#include "kb/knowledge_base.h"
#include "session/voice_session_fixture.h"
#include "support/test_paths.h"

namespace lv::session {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using namespace lv::session::test;  // the fixture, fakes and speech fixtures

class NoLlmKnowledgeAnswerTest : public VoiceSessionTest {
 protected:
  void SetUp() override {
    VoiceSessionTest::SetUp();
    fs::create_directories(dir_ / "kb" / "health");
    std::ofstream(dir_ / "kb" / "health" / "running-plan.md")
        << "# Ten kilometre running plan\n\nRun three times a week: one easy run, one interval session and one long "
           "run. Increase the long run by no more than ten percent each week.\n";
    std::ofstream(dir_ / "kb" / "wifi.md")
        << "# Wi-Fi\n\nThe guest network password is on the card under the router.\n";
    kb::KnowledgeBaseOptions options;
    options.kb_dir = dir_ / "kb";
    options.db_path = dir_ / "kb.sqlite3";
    knowledge_ = kb::KnowledgeBase::open(options);
    knowledge_->sync();
    // No score floor: every passage that shares a word reaches the reply, so declining is the reply's choice.
    provider_ = std::make_shared<kb::KbContextProvider>(knowledge_, 3, 0.0);
    auto with = engines();
    with.llm = nullptr;
    with.llm_install_command = "localvoice models pull qwen";
    with.context = provider_;
    open(test::fast_options(), with);
  }

  lv::test::TempDir dir_;
  kb::KnowledgeBasePtr knowledge_;
  std::shared_ptr<kb::KbContextProvider> provider_;
};

TEST_F(NoLlmKnowledgeAnswerTest, AWordInCommonGetsFoundNothingAndHowToInstallAModel) {
  const auto passages = provider_->retrieve("how long do I boil an egg", {});
  ASSERT_FALSE(passages.empty());
  ASSERT_EQ(passages[0].source, "health/running-plan.md") << "the passage the old reply read out";
  session->push_text("how long do I boil an egg");
  ASSERT_TRUE(wait_done(1));
  const ReplyDone done = log.all<ReplyDone>().at(0);
  EXPECT_EQ(done.status, ReplyStatus::completed);
  EXPECT_THAT(done.text_generated, ::testing::StartsWith("I found nothing about that in your documents"));
  EXPECT_THAT(done.text_generated, HasSubstr("To install one, run: localvoice models pull qwen."));
  EXPECT_THAT(done.text_generated, ::testing::Not(HasSubstr("long run")));
  EXPECT_TRUE(log.all<Citations>().empty()) << "nothing was read out, so nothing is cited";
  const auto errors = log.all<SessionError>();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].code, "no_llm");
  EXPECT_THAT(errors[0].fix, HasSubstr("localvoice models pull qwen"));
  EXPECT_FALSE(log.all<ReplyAudio>().empty()) << "the reply is spoken";
}

TEST_F(NoLlmKnowledgeAnswerTest, AQuestionTheDocumentAnswersGetsTheCitedPassage) {
  session->push_text("how often should I run in the running plan");
  ASSERT_TRUE(wait_done(1));
  const ReplyDone done = log.all<ReplyDone>().at(0);
  EXPECT_EQ(done.status, ReplyStatus::completed);
  EXPECT_EQ(done.text_generated,
            "Run three times a week: one easy run, one interval session and one long run. Increase the long run by "
            "no more than ten percent each week. (from running plan)");
  const auto citations = log.all<Citations>();
  ASSERT_EQ(citations.size(), 1U);
  ASSERT_EQ(citations[0].citations.size(), 1U) << "only the passage read out is cited";
  EXPECT_EQ(citations[0].citations[0].source, "health/running-plan.md");
  EXPECT_TRUE(log.all<SessionError>().empty());
}

TEST_F(NoLlmKnowledgeAnswerTest, DecliningOneQuestionDoesNotStopTheNext) {
  session->push_text("how long do I boil an egg");
  ASSERT_TRUE(wait_done(1));
  session->push_text("where is the guest network password");
  ASSERT_TRUE(wait_done(2));
  const auto done = log.all<ReplyDone>();
  ASSERT_EQ(done.size(), 2U);
  EXPECT_THAT(done[0].text_generated, HasSubstr("found nothing"));
  EXPECT_EQ(done[1].text_generated, "The guest network password is on the card under the router. (from wifi)");
}

}  // namespace
}  // namespace lv::session
