#include "kb/kb_context_provider.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/test_paths.h"
#include "util/error.h"

namespace lv::kb {
namespace {

namespace fs = std::filesystem;

class KbContextProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_ / "kb" / "guides");
    std::ofstream(dir_ / "kb" / "guides" / "wifi_setup.md")
        << "# Wi-Fi\n\n## Reset\n\nTo reset the **router**, hold the [reset pin](http://example.com) for ten "
           "seconds. The light blinks amber. Then wait about four minutes while it boots. After that, reconnect "
           "every device. Finally check the speed.\n";
    std::ofstream(dir_ / "kb" / "bread.txt") << "Bake the bread at 250 degrees for twenty minutes.\n";
    std::ofstream(dir_ / "kb" / "router-history.txt") << "The first home router was sold in the nineties.\n";
    KnowledgeBaseOptions options;
    options.kb_dir = dir_ / "kb";
    options.db_path = dir_ / "kb.sqlite3";
    kb_ = KnowledgeBase::open(options);
    kb_->sync();
  }
  test::TempDir dir_;
  KnowledgeBasePtr kb_;
};

TEST_F(KbContextProviderTest, RetrievesNumberedPassagesBestFirst) {
  KbContextProvider provider(kb_, 3, 0.0);
  const auto passages = provider.retrieve("how do I reset the router", {});
  ASSERT_EQ(passages.size(), 2U);
  EXPECT_EQ(passages[0].id, "S1");
  EXPECT_EQ(passages[1].id, "S2");
  EXPECT_EQ(passages[0].source, "guides/wifi_setup.md");
  EXPECT_EQ(passages[0].heading, "Wi-Fi > Reset");
  EXPECT_NE(passages[0].text.find("reset pin"), std::string::npos);
  EXPECT_GE(passages[0].score, passages[1].score);
}

TEST_F(KbContextProviderTest, HonoursKAndMinScore) {
  EXPECT_EQ(KbContextProvider(kb_, 1, 0.0).retrieve("router", {}).size(), 1U);
  EXPECT_TRUE(KbContextProvider(kb_, 3, 0.99).retrieve("router reset amber boots speed", {}).empty());
  EXPECT_TRUE(KbContextProvider(kb_, 3, 0.1).retrieve("what is the capital of peru", {}).empty());
  EXPECT_TRUE(KbContextProvider(kb_, 3, 0.0).retrieve("", {}).empty());
}

TEST_F(KbContextProviderTest, ReturnsNothingOnceStopped) {
  std::stop_source stop;
  stop.request_stop();
  EXPECT_TRUE(KbContextProvider(kb_, 3, 0.0).retrieve("router", stop.get_token()).empty());
}

TEST_F(KbContextProviderTest, SpeakableAnswerIsShortPlainAndCitesTheSource) {
  KbContextProvider provider(kb_, 3, 0.0);
  const auto passages = provider.retrieve("reset the router", {});
  ASSERT_FALSE(passages.empty());
  const std::string answer = provider.speakable_answer(passages[0]);
  EXPECT_EQ(answer,
            "To reset the router, hold the reset pin for ten seconds. The light blinks amber. Then wait about four "
            "minutes while it boots. (from wifi setup)");
  EXPECT_EQ(answer.find_first_of("*[]()#`"), answer.find("(from"));
  session::Passage empty;
  EXPECT_EQ(provider.speakable_answer(empty), "");
}

TEST_F(KbContextProviderTest, NeedsAKnowledgeBase) { EXPECT_THROW(KbContextProvider(nullptr, 3, 0.0), Error); }

}  // namespace
}  // namespace lv::kb
