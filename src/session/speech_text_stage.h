// The reply's text made speakable: Markdown removed and the stream cut into sentences, so that the first
// sentence can be spoken while the rest is still being written.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "session/reply_stage.h"
#include "tts/sentence_splitter.h"
#include "util/markdown_filter.h"

namespace lv::session {

class SpeechTextStage final : public ReplyStage {
 public:
  std::string_view name() const override { return "speech_text"; }
  void begin(ReplyTurn& reply) override;
  void push_text(ReplyTurn& reply, std::string_view text) override;
  void end(ReplyTurn& reply) override;
  void cancel(TurnId) override {}

 private:
  void pass_on(ReplyTurn& reply, std::vector<std::string>& sentences);

  util::MarkdownFilter markdown_;
  tts::SentenceSplitter splitter_;
  std::size_t sentences_made_ = 0;
  bool ended_ = false;
};

}  // namespace lv::session
