#include "history/markdown_export.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "history_test_data.h"

namespace lv::history {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

StoredSession sample() {
  StoredSession stored;
  stored.session = test_data::session("abc123", 1'764'034'851'000);  // 2025-11-25 01:40:51 UTC
  stored.ended_at_ms = 1'764'034'851'000 + 192'000;
  stored.title = "What is the weather";
  auto first = test_data::turn("abc123", 1, 1'764'034'855'000);
  first.user_text = "What is the weather";
  first.assistant_text = "It is **sunny** today.";
  auto second = test_data::turn("abc123", 2, 1'764'034'900'000);
  second.user_text = "And *tomorrow*? #rain <b>";
  second.assistant_text = "Tomorrow brings";
  second.interrupted = true;
  second.status = "interrupted";
  second.retrieval_ms = -1;
  stored.turns = {first, second};
  return stored;
}

TEST(MarkdownExport, HasTitleDateEnginesAndEveryTurn) {
  const std::string md = export_markdown(sample());
  EXPECT_THAT(md, StartsWith("# What is the weather\n"));
  EXPECT_THAT(md, HasSubstr("- **Date:** 2025-11-25 01:40 UTC (lasted 3 min 12 s)\n"));
  EXPECT_THAT(md, HasSubstr("- **Engines:** speech-to-text `pocketsphinx:en-us`, language model "
                            "`llama:/models/qwen.gguf`, text-to-speech `flite:slt`\n"));
  EXPECT_THAT(md, HasSubstr("- **Turns:** 2\n"));
  EXPECT_THAT(md, HasSubstr("`abc123`"));
  EXPECT_THAT(md, HasSubstr("**You:** What is the weather\n\n**LocalVoice:** It is **sunny** today.\n"));
  // The answer heard before the interruption, marked as such.
  EXPECT_THAT(md, HasSubstr("**LocalVoice:** Tomorrow brings *(interrupted)*\n"));
  EXPECT_THAT(md, HasSubstr("*turn 1 · speech-to-text 120 ms · retrieval 4 ms · first token 340 ms · first sentence "
                            "380 ms · first audio 410 ms · end to end 905 ms · 13 prompt + 30 answer tokens · you "
                            "spoke 1.8 s · reply audio 3.2 s*\n"));
  // A stage that did not run is left out of the timings line.
  EXPECT_THAT(md, HasSubstr("*turn 2 · speech-to-text 120 ms · first token"));
  // Turns come in order.
  EXPECT_LT(md.find("turn 1 ·"), md.find("turn 2 ·"));
}

TEST(MarkdownExport, EscapesWhatTheUserSaidSoItReadsAsTyped) {
  const std::string md = export_markdown(sample());
  EXPECT_THAT(md, HasSubstr("**You:** And \\*tomorrow\\*? \\#rain \\<b\\>\n"));
}

TEST(MarkdownExport, MarksFailedAndEmptyTurnsAndUntitledSessions) {
  StoredSession stored;
  stored.session.id = "quiet";
  stored.session.started_at_ms = 0;
  auto failed = test_data::turn("quiet", 1, 0);
  failed.user_text = "   ";
  failed.assistant_text.clear();
  failed.status = "failed";
  failed.stt_engine = "whisper:tiny";
  failed.llm_engine.clear();
  failed.tts_engine.clear();
  auto cut = test_data::turn("quiet", 2, 0);
  cut.assistant_text.clear();
  cut.interrupted = true;
  stored.turns = {failed, cut};
  const std::string md = export_markdown(stored);
  EXPECT_THAT(md, StartsWith("# Conversation quiet\n"));
  EXPECT_THAT(md, HasSubstr("- **Date:** 1970-01-01 00:00 UTC\n"));
  EXPECT_THAT(md, Not(HasSubstr("lasted")));
  // Without engines on the session, the first turn's are shown.
  EXPECT_THAT(md, HasSubstr("- **Engines:** speech-to-text `whisper:tiny`\n"));
  EXPECT_THAT(md, HasSubstr("**You:** *(nothing recognized)*"));
  EXPECT_THAT(md, HasSubstr("**LocalVoice:** *(no answer: this turn failed)*"));
  EXPECT_THAT(md, HasSubstr("**LocalVoice:** *(interrupted before answering)*"));
}

}  // namespace
}  // namespace lv::history
